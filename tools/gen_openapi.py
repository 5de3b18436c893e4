#!/usr/bin/env python3
"""Writes data/api/openapi.json, the OpenAPI 3.1 description of maillage's open API.

The place schema (field names, titles, types, closed value lists) comes from the national
standard's schema, data/standard/schema-v1.0.2.json, so the two cannot drift apart; the paths are
written here. `--check` exits 1 when the committed file differs from what this script writes (the
test suite runs it). The server serves the file at GET /api/v1/openapi.json, and
tests/openapi/check.mjs validates real responses against it.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'data/api/openapi.json')
STANDARD = json.load(open(os.path.join(ROOT, 'data/standard/schema-v1.0.2.json'), encoding='utf-8'))

FILTERS = ['services', 'publics_specifiquement_adresses', 'prise_en_charge_specifique',
           'frais_a_charge', 'modalites_acces', 'modalites_accompagnement',
           'dispositif_programmes_nationaux', 'formations_labels', 'itinerance']
TERRITORY_FILTERS = {
    'typologie': 'Code de typologie du lieu (ex. EPN, BIB, TIERS_LIEUX ; liste dans data/standard/typologies.tsv).',
    'source': 'Source de la donnée (valeur du champ source, ou nom de la source d\'import).',
    'code_insee': 'Code INSEE de la commune (5 caractères).',
    'code_postal': 'Code postal (5 chiffres).',
    'departement': 'Code du département (ex. 13, 2A, 974).',
    'region': 'Code de la région (ex. 93, 84).',
}


def field_schema(field):
    t = field.get('type', 'string')
    s = {'title': field.get('title', field['name'])}
    if t == 'number':
        s['type'] = 'number'
    elif t == 'date':
        s['type'] = 'string'
        s['format'] = 'date'
    elif t == 'boolean':
        s['type'] = 'boolean'
    else:
        s['type'] = 'string'
    if field.get('example') not in (None, ''):
        ex = field['example']
        s['examples'] = [float(ex) if s['type'] == 'number' else ex]
    return s


def place_schema():
    props = {f['name']: field_schema(f) for f in STANDARD['fields']}
    # date_maj: required by the standard, but unknown when a source does not date its places
    # (docs/federation.md); the answers then leave it out, the exports write a technical date.
    required = [f['name'] for f in STANDARD['fields']
                if f.get('constraints', {}).get('required') and f['name'] != 'date_maj']
    for name in FILTERS + ['typologie', 'courriels', 'telephone']:
        if name in props:
            props[name]['description'] = 'Plusieurs valeurs séparées par « | ».'
    props['date_maj']['description'] = (
        'Date de mise à jour donnée par la source. Absente des réponses quand la source ne date pas '
        'le lieu (date inconnue) ; les exports (/export/lieux.*) écrivent alors, comme le standard '
        "l'exige, le jour où maillage a enregistré cette version de la fiche.")
    return {
        'type': 'object',
        'description': 'Un lieu de médiation numérique au standard national v1.0.2 (champs vides omis).',
        'properties': props,
        'required': required,
        'additionalProperties': False,
    }


def ref(name):
    return {'$ref': '#/components/schemas/' + name}


def error_response(description):
    return {'description': description,
            'content': {'application/json': {'schema': ref('Erreur')}}}


def param(name, description, schema, **extra):
    p = {'name': name, 'in': 'query', 'required': False, 'description': description, 'schema': schema}
    p.update(extra)
    return p


def search_parameters():
    ps = [
        param('q', 'Texte libre, 200 caractères au plus : cherché dans le nom, l\'adresse, la commune, '
              'la présentation, les services, la typologie, les dispositifs et les labels ; sans accents ni '
              'majuscules, au pluriel, au début d\'un mot (dernier mot) ou avec une faute de frappe.',
              {'type': 'string', 'maxLength': 800}),
    ]
    for name in FILTERS:
        ps.append(param(name, 'Filtre sur ' + name + ' (liste fermée du standard). Plusieurs valeurs : '
                        'répéter le paramètre ou les séparer par « | » (OU) ; les champs différents se '
                        'combinent (ET).',
                        {'type': 'array', 'items': {'type': 'string'}}, style='form', explode=True))
    for name, desc in TERRITORY_FILTERS.items():
        ps.append(param(name, desc + ' Plusieurs valeurs : répéter ou séparer par « | ».',
                        {'type': 'array', 'items': {'type': 'string'}}, style='form', explode=True))
    ps += [
        param('lat', 'Latitude du point de recherche (WGS 84), avec lon.', {'type': 'number', 'minimum': -90, 'maximum': 90}),
        param('lon', 'Longitude du point de recherche (WGS 84), avec lat.', {'type': 'number', 'minimum': -180, 'maximum': 180}),
        param('rayon_km', 'Rayon autour du point (lat/lon ou autour), en kilomètres.',
              {'type': 'number', 'exclusiveMinimum': 0, 'maximum': 1000}),
        param('bbox', 'Rectangle minLon,minLat,maxLon,maxLat (la vue d\'une carte).',
              {'type': 'string', 'examples': ['4.7,43.2,5.7,43.5']}),
        param('autour', 'Commune (« Lyon », « Saint-Denis (93) », « Saint-Denis 974 », « Paris 20e »), code '
                        'postal (« 69003 » : l\'arrondissement) ou code INSEE : le point de recherche est son centre. '
                        'Entre homonymes, la plus peuplée (les autres dans lieu_recherche.suggestions) ; un nom mal '
                        'orthographié est corrigé quand une commune se détache, sinon erreur 400 avec des '
                        'suggestions. Une adresse (« 12 rue Mercière Lyon ») est géocodée quand le serveur a un '
                        'géocodeur (--geocodeur), sinon sa commune est prise.',
              {'type': 'string', 'examples': ['Marseille', '13001']}),
        param('ouvert', 'Seulement les lieux ouverts maintenant (selon leurs horaires).',
              {'type': 'string', 'enum': ['maintenant']}),
        param('ouvert_le', 'Seulement les lieux ouverts à cette date et heure, lue dans le fuseau de chaque lieu.',
              {'type': 'string', 'pattern': '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$',
               'examples': ['2026-12-01T10:00']}),
        param('ouvert_jour', 'Seulement les lieux ouverts à un moment du prochain de ces jours, aujourd\'hui '
              'compris et pris en entier (les heures déjà passées comptent), dans le fuseau de chaque lieu, '
              'selon ses horaires (jours fériés compris). Plusieurs jours : répéter le paramètre ou les '
              'séparer par « | » (OU) ; se combine (ET) avec ouvert ou ouvert_le. Jours : lundi, mardi, '
              'mercredi, jeudi, vendredi, samedi, dimanche (majuscules indifférentes).',
              {'type': 'array', 'items': {'type': 'string', 'examples': ['samedi', 'samedi|dimanche']}},
              style='form', explode=True),
        param('tri', 'Ordre des résultats (pertinence : texte puis distance puis nom).',
              {'type': 'string', 'enum': ['pertinence', 'distance', 'nom', 'date_maj'], 'default': 'pertinence'}),
        param('limite', 'Nombre de résultats par page.', {'type': 'integer', 'minimum': 1, 'maximum': 1000, 'default': 20}),
        param('curseur', 'Curseur de la page suivante (curseur_suivant de la réponse précédente).',
              {'type': 'string', 'maxLength': 512}),
        param('facettes', 'Champs dont compter les valeurs, séparés par des virgules (comptes disjonctifs : '
              'le filtre d\'un champ n\'est pas appliqué à ses propres comptes) : les champs filtrables, '
              'ouvert (les lieux ouverts maintenant, valeur « maintenant ») et ouvert_jour (les lieux '
              'ouverts le prochain lundi… dimanche).',
              {'type': 'string', 'examples': ['services,frais_a_charge']}),
        param('format', 'Format de la réponse. csv-tableur : le CSV pour les tableurs français (UTF-8 avec BOM, séparateur « ; », mêmes colonnes).',
              {'type': 'string', 'enum': ['json', 'geojson', 'csv', 'csv-tableur'], 'default': 'json'}),
        param('doublons', 'Lieux fusionnés (exclure, par défaut) ou chaque fiche de chaque source (inclure).',
              {'type': 'string', 'enum': ['inclure', 'exclure'], 'default': 'exclure'}),
        param('naturel', 'oui : q est lu comme une personne écrit son besoin (« impots en ligne », « caf a '
                         'brest ») : besoins reconnus par le lexique, commune écrite dans q prise comme lieu, '
                         'mots non reconnus assouplis (plus de correspondances d\'abord) et pertinence classée '
                         'par distance (5, 10, 20, 50 km, puis plus loin). La réponse dit ce qui a été compris '
                         '(comprehension). non (défaut) : chaque mot de q doit correspondre.',
              {'type': 'string', 'enum': ['oui', 'non'], 'default': 'non'}),
    ]
    return ps


def result_schema():
    return {
        'allOf': [ref('Lieu')],
        'type': 'object',
        'properties': {
            'distance_km': {'type': ['number', 'null'], 'description': 'Distance au point de recherche, sinon null.'},
            'ouvert': {'type': ['boolean', 'null'],
                       'description': 'Ouvert à l\'heure demandée (ouvert, ouvert_le) ou maintenant ; null si les horaires manquent ou ne le disent pas.'},
            'position_approximative': ref('Position'),
        },
        'required': ['id', 'distance_km', 'ouvert'],
    }


def document():
    place = place_schema()
    place_open = dict(place)
    place_open.pop('additionalProperties')  # results add distance_km, ouvert...
    schemas = {
        'Lieu': place_open,
        'Position': {'type': 'object', 'description': 'Centre de la commune, quand le lieu n\'a pas de coordonnées.',
                     'properties': {'latitude': {'type': 'number'}, 'longitude': {'type': 'number'}},
                     'required': ['latitude', 'longitude'], 'additionalProperties': False},
        'LieuResultat': result_schema(),
        'LieuDetail': {
            'allOf': [ref('Lieu')],
            'type': 'object',
            'properties': {
                'provenance': {
                    'type': 'object',
                    'description': 'D\'où viennent les informations : la fiche source (pour un lieu fusionné, '
                                   'source « fusion »), les fiches réunies avec leur date de mise à jour '
                                   '(null : la source ne date pas le lieu) et, pour un lieu fusionné, les '
                                   'fiches (source:id) qui donnent chaque champ.',
                    'properties': {
                        'source': {'type': 'string'}, 'id': {'type': 'string'},
                        'membres': {'type': 'array', 'items': {
                            'type': 'object',
                            'properties': {'source': {'type': 'string'}, 'id': {'type': 'string'},
                                           'date_maj': {'type': ['string', 'null'], 'format': 'date'}},
                            'required': ['source', 'id', 'date_maj']}},
                        'champs': {'type': 'object', 'description': 'Par champ, les fiches source:id qui en donnent la valeur.',
                                   'additionalProperties': {'type': 'array', 'items': {'type': 'string'}}},
                    },
                    'required': ['source', 'id', 'membres']},
                'ouvert': {'type': ['boolean', 'null']},
                'prochain_changement': {'type': ['string', 'null'], 'format': 'date-time',
                                        'description': 'Prochain changement d\'état (RFC 3339, fuseau du lieu).'},
                'position_approximative': ref('Position'),
            },
            'required': ['id', 'provenance', 'ouvert', 'prochain_changement'],
        },
        'Facettes': {'type': 'object', 'description': 'Par champ demandé, le nombre de lieux par valeur.',
                     'additionalProperties': {'type': 'object', 'additionalProperties': {'type': 'integer', 'minimum': 1}}},
        'Comprehension': {
            'type': 'object',
            'description': 'Avec naturel=oui : ce que la recherche a compris de q.',
            'properties': {
                'besoins': {'type': 'array', 'items': ref('BesoinCompris'),
                            'description': 'Besoins reconnus (lexique data/lexique) : un lieu y répond s\'il a '
                                           'l\'une des valeurs du standard, ou les mots tapés dans son texte.'},
                'preferences': {'type': 'array', 'items': ref('BesoinCompris'),
                                'description': 'Publics, tarifs, modalités : classent plus haut sans exclure.'},
                'commune': {'type': ['string', 'null'], 'description': 'Commune écrite dans q, prise comme lieu.'},
                'mots': {'type': 'string', 'description': 'Les mots restants, cherchés dans le texte des lieux.'},
                'correspondances_completes': {'type': 'integer', 'minimum': 0,
                                              'description': 'Lieux qui répondent à tous les besoins et mots.'},
                'correspondances_completes_a_50_km': {'type': 'integer', 'minimum': 0,
                                                      'description': 'Les mêmes, à moins de 50 km du point.'},
            },
            'required': ['besoins', 'preferences', 'commune', 'mots', 'correspondances_completes'],
            'additionalProperties': False,
        },
        'BesoinCompris': {
            'type': 'object',
            'properties': {
                'libelle': {'type': 'string'},
                'valeurs': {'type': 'array', 'items': {
                    'type': 'object',
                    'properties': {'champ': {'type': 'string'}, 'valeur': {'type': 'string'}},
                    'required': ['champ', 'valeur']}},
                'valeurs_plausibles': {'type': 'array', 'description': 'Valeurs qui rendent un lieu '
                                       'plausible sans répondre pleinement (classé après) : pour « wifi », '
                                       'une bibliothèque.', 'items': {
                    'type': 'object',
                    'properties': {'champ': {'type': 'string'}, 'valeur': {'type': 'string'}},
                    'required': ['champ', 'valeur']}},
            },
            'required': ['libelle', 'valeurs'],
        },
        'ResultatsRecherche': {
            'type': 'object',
            'properties': {
                'total': {'type': 'integer', 'minimum': 0},
                'resultats': {'type': 'array', 'items': ref('LieuResultat')},
                'facettes': ref('Facettes'),
                'curseur_suivant': {'type': ['string', 'null']},
                'lieu_recherche': ref('LieuRecherche'),
                'comprehension': ref('Comprehension'),
            },
            'required': ['total', 'resultats', 'facettes', 'curseur_suivant'],
            'additionalProperties': False,
        },
        'ResultatsGeoJSON': {
            'type': 'object',
            'properties': {
                'type': {'const': 'FeatureCollection'},
                'total': {'type': 'integer', 'minimum': 0},
                'features': {'type': 'array', 'items': {
                    'type': 'object',
                    'properties': {
                        'type': {'const': 'Feature'},
                        'geometry': {'oneOf': [{'type': 'null'}, {
                            'type': 'object',
                            'properties': {'type': {'const': 'Point'},
                                           'coordinates': {'type': 'array', 'items': {'type': 'number'}, 'minItems': 2, 'maxItems': 2}},
                            'required': ['type', 'coordinates']}]},
                        'properties': ref('LieuResultat'),
                    },
                    'required': ['type', 'geometry', 'properties']}},
                'facettes': ref('Facettes'),
                'curseur_suivant': {'type': ['string', 'null']},
                'lieu_recherche': ref('LieuRecherche'),
            },
            'required': ['type', 'total', 'features', 'facettes', 'curseur_suivant'],
        },
        'LieuRecherche': {
            'type': 'object',
            'description': 'Avec autour : le lieu autour duquel la recherche est faite.',
            'properties': {
                'libelle': {'type': 'string', 'description': 'Commune (« Saint-Denis (93) » : avec le département '
                                                             'quand d\'autres communes portent ce nom ; redonné '
                                                             'dans autour, il désigne la même) ou adresse géocodée.'},
                'code_insee': {'type': 'string'},
                'latitude': {'type': 'number'}, 'longitude': {'type': 'number'},
                'remarque': {'type': ['string', 'null'],
                             'description': 'À montrer : « « Marseile » compris comme Marseille. », homonymes…'},
                'suggestions': {'type': 'array', 'items': {'type': 'string'}, 'maxItems': 5,
                                'description': 'Autres lieux possibles (libellés à redonner dans autour).'},
            },
            'required': ['libelle', 'code_insee', 'latitude', 'longitude', 'remarque', 'suggestions'],
            'additionalProperties': False,
        },
        'Commune': {
            'type': 'object',
            'properties': {
                'code_insee': {'type': 'string'}, 'nom': {'type': 'string'},
                'libelle': {'type': 'string', 'description': 'Nom à afficher et à redonner dans autour : avec '
                                                             'le département entre parenthèses quand d\'autres '
                                                             'communes portent ce nom (« Saint-Denis (93) »).'},
                'codes_postaux': {'type': 'array', 'items': {'type': 'string'}},
                'departement': {'type': 'string'},
                'latitude': {'type': 'number'}, 'longitude': {'type': 'number'},
                'population': {'type': ['integer', 'null']},
            },
            'required': ['code_insee', 'nom', 'libelle', 'codes_postaux', 'departement', 'latitude', 'longitude',
                         'population'],
            'additionalProperties': False,
        },
        'Changement': {
            'type': 'object',
            'properties': {
                'sequence': {'type': 'integer'}, 'date': {'type': 'string'},
                'operation': {'type': 'string', 'enum': ['ajout', 'modification', 'retrait']},
                'source': {'type': 'string'}, 'id': {'type': 'string'},
                'lieu': {'oneOf': [{'type': 'null'}, ref('Lieu')]},
            },
            'required': ['sequence', 'date', 'operation', 'source', 'id', 'lieu'],
        },
        'Sante': {
            'type': 'object',
            'properties': {
                'statut': {'const': 'ok'}, 'version': {'type': 'string'},
                'lieux': {'type': 'integer'}, 'sequence': {'type': 'integer'},
                'index': {'type': 'object', 'properties': {
                    'documents': {'type': 'integer'}, 'construction_ms': {'type': 'integer'},
                    'sequence': {'type': 'integer'}}, 'required': ['documents', 'construction_ms', 'sequence']},
            },
            'required': ['statut', 'version', 'lieux', 'sequence'],
        },
        'Erreur': {
            'type': 'object',
            'properties': {'erreur': {
                'type': 'object',
                'properties': {'code': {'type': 'string', 'enum': ['parametre_invalide', 'introuvable', 'trop_de_requetes', 'export']},
                               'message': {'type': 'string', 'description': 'En français.'},
                               'parametre': {'type': 'string'},
                               'suggestions': {'type': 'array', 'items': {'type': 'string'}, 'maxItems': 5,
                                               'description': 'autour : les communes que la personne voulait '
                                                              'peut-être dire (« Marseille (13) »).'}},
                'required': ['code', 'message'], 'additionalProperties': False}},
            'required': ['erreur'], 'additionalProperties': False,
        },
    }
    too_many = error_response('Trop de requêtes de ce client : réessayer après Retry-After secondes.')
    etag = {'ETag': {'description': 'Version de la réponse (If-None-Match donne 304).', 'schema': {'type': 'string'}}}
    paths = {
        '/lieux': {'get': {
            'operationId': 'chercherLieux', 'summary': 'Chercher des lieux de médiation numérique',
            'parameters': search_parameters(),
            'responses': {
                '200': {'description': 'Les lieux trouvés, une page à la fois.', 'headers': etag, 'content': {
                    'application/json': {'schema': ref('ResultatsRecherche')},
                    'application/geo+json': {'schema': ref('ResultatsGeoJSON')},
                    'text/csv': {'schema': {'type': 'string'}, 'description': 'Colonnes du standard v1.0.2.'}}},
                '304': {'description': 'Inchangé depuis l\'ETag donné.'},
                '400': error_response('Paramètre invalide : parametre le nomme, message dit quoi faire.'),
                '429': too_many}}},
        '/lieux/{id}': {'get': {
            'operationId': 'lireLieu', 'summary': 'Un lieu, avec sa provenance et son état d\'ouverture',
            'parameters': [{'name': 'id', 'in': 'path', 'required': True, 'schema': {'type': 'string'},
                            'description': 'Identifiant public (id, ou source:id quand plusieurs sources l\'utilisent).'}],
            'responses': {
                '200': {'description': 'Le lieu.', 'headers': etag,
                        'content': {'application/json': {'schema': ref('LieuDetail')}}},
                '304': {'description': 'Inchangé depuis l\'ETag donné.'},
                '404': error_response('Aucun lieu n\'a cet identifiant.'), '429': too_many}}},
        '/territoires': {'get': {
            'operationId': 'chercherCommunes', 'summary': 'Autocomplétion des communes et codes postaux',
            'parameters': [param('q', 'Début d\'un nom de commune ou code postal (5 chiffres ; les '
                                      'arrondissements de Paris, Lyon et Marseille d\'abord). Un nom mal '
                                      'orthographié donne les communes proches.',
                                 {'type': 'string', 'minLength': 1, 'maxLength': 100}, required=True)],
            'responses': {
                '200': {'description': 'Jusqu\'à 10 communes.', 'content': {'application/json': {'schema': {
                    'type': 'object', 'properties': {'communes': {'type': 'array', 'items': ref('Commune'), 'maxItems': 10}},
                    'required': ['communes'], 'additionalProperties': False}}}},
                '400': error_response('q manque ou est trop long.'), '429': too_many}}},
        '/changements': {'get': {
            'operationId': 'lireChangements', 'summary': 'Journal des changements, pour synchroniser un autre annuaire',
            'parameters': [
                param('depuis', 'Dernière séquence déjà lue (0 : depuis le début).', {'type': 'integer', 'minimum': 0, 'default': 0}),
                param('limite', 'Nombre de changements au plus.', {'type': 'integer', 'minimum': 0, 'maximum': 1000, 'default': 100})],
            'responses': {
                '200': {'description': 'Les changements après depuis, dans l\'ordre.', 'content': {'application/json': {'schema': {
                    'type': 'object', 'properties': {'changements': {'type': 'array', 'items': ref('Changement')},
                                                     'sequence_suivante': {'type': 'integer'}},
                    'required': ['changements', 'sequence_suivante']}}}},
                '400': error_response('depuis ou limite invalide.'), '429': too_many}}},
        '/sante': {'get': {
            'operationId': 'sante', 'summary': 'État du service',
            'responses': {'200': {'description': 'Le service répond.', 'content': {'application/json': {'schema': ref('Sante')}}}}}},
        '/openapi.json': {'get': {
            'operationId': 'openapi', 'summary': 'Cette description (OpenAPI 3.1)',
            'responses': {'200': {'description': 'Le document OpenAPI.', 'content': {'application/json': {'schema': {'type': 'object'}}}}}}},
    }
    for ext, media in (('csv', 'text/csv'), ('json', 'application/json'), ('geojson', 'application/geo+json')):
        schema = {'type': 'string'} if ext == 'csv' else (
            {'type': 'array', 'items': ref('Lieu')} if ext == 'json' else {'type': 'object'})
        paths['/export/lieux.' + ext] = {'get': {
            'operationId': 'exporter' + ext.capitalize(),
            'summary': 'Tous les lieux au standard v1.0.2 (' + ext.upper() + ')',
            'description': 'Régénéré après chaque moisson. Un lieu publié par plusieurs sources y figure une '
                           'fois, fusionné (champ source : les sources réunies) ; doublons=inclure donne à la '
                           'place chaque enregistrement de chaque source. Sources, licences et attributions : '
                           '/sources (en-tête Link).',
            'parameters': [param('doublons', 'exclure (défaut) : lieux fusionnés ; inclure : chaque enregistrement de chaque source.',
                                 {'type': 'string', 'enum': ['exclure', 'inclure'], 'default': 'exclure'})],
            'responses': {'200': {'description': 'Export complet.', 'headers': {
                              'ETag': {'schema': {'type': 'string'}},
                              'Last-Modified': {'schema': {'type': 'string'}},
                              'Link': {'schema': {'type': 'string'}}},
                              'content': {media: {'schema': schema}}},
                          '304': {'description': 'Inchangé depuis l\'ETag ou la date donnés.'},
                          '400': error_response('doublons invalide.'),
                          '429': too_many}}}
    paths['/export/lieux-tableur.csv'] = {'get': {
        'operationId': 'exporterTableur',
        'summary': 'Tous les lieux en CSV pour tableur (LibreOffice, Excel)',
        'description': 'Le CSV de /export/lieux.csv préparé pour un tableur français : UTF-8 avec BOM, « ; » '
                       'entre les cellules, fins de ligne CRLF. Les données viennent de tiers : une cellule '
                       'qu\'un tableur exécuterait comme une formule (=, +, -, @, tabulation, retour chariot, '
                       'sauf un nombre signé) est précédée d\'une apostrophe. /export/lieux.csv garde chaque '
                       'valeur à l\'octet près : ne l\'ouvrez pas tel quel dans un tableur.',
        'parameters': [param('doublons', 'exclure (défaut) : lieux fusionnés ; inclure : chaque enregistrement de chaque source.',
                             {'type': 'string', 'enum': ['exclure', 'inclure'], 'default': 'exclure'})],
        'responses': {'200': {'description': 'Export complet pour tableur.', 'headers': {
                          'ETag': {'schema': {'type': 'string'}},
                          'Last-Modified': {'schema': {'type': 'string'}},
                          'Link': {'schema': {'type': 'string'}}},
                          'content': {'text/csv': {'schema': {'type': 'string'}}}},
                      '304': {'description': 'Inchangé depuis l\'ETag ou la date donnés.'},
                      '400': error_response('doublons invalide.'),
                      '429': too_many}}}
    paths['/sources'] = {'get': {
        'operationId': 'listerSources', 'summary': 'Les sources moissonnées : éditeur, licence, attribution, état',
        'responses': {'200': {'description': 'Le registre des sources (partie publique).', 'content': {'application/json': {'schema': {
            'type': 'object', 'required': ['sources'], 'additionalProperties': False,
            'properties': {'sources': {'type': 'array', 'items': {
                'type': 'object', 'additionalProperties': False,
                'required': ['nom', 'editeur', 'adresse', 'licence', 'attribution', 'frequence_heures', 'active',
                             'lieux', 'statut', 'derniere_moisson', 'derniere_tentative'],
                'properties': {
                    'nom': {'type': 'string'}, 'editeur': {'type': 'string'},
                    'adresse': {'type': ['string', 'null'], 'description': 'URL moissonnée (null pour un fichier local).'},
                    'licence': {'type': 'string'}, 'attribution': {'type': 'string'},
                    'frequence_heures': {'type': 'integer'}, 'active': {'type': 'boolean'},
                    'lieux': {'type': 'integer', 'description': 'Lieux actifs de la source.'},
                    'statut': {'type': 'string', 'enum': ['nouvelle', 'ok', 'inchangee', 'erreur', 'retraits_suspendus']},
                    'derniere_moisson': {'type': 'string'}, 'derniere_tentative': {'type': 'string'}}}}}}}}},
                      '429': too_many}}}
    return {
        'openapi': '3.1.0',
        'info': {
            'title': 'API ouverte de maillage',
            'version': '1.0.0',
            'summary': 'Annuaire des lieux de médiation numérique au standard national.',
            'description': 'Recherche multicritère (texte, filtres, géographie, ouverture), fiches et exports '
                           'des lieux de médiation numérique, au standard national v1.0.2 dont les noms de champs '
                           'et les valeurs sont repris tels quels. Erreurs en JSON, en français. Réponses compressées '
                           '(gzip) sur demande, ETag, CORS ouvert, limite de débit par client (429 + Retry-After).',
            'license': {'name': 'Licence Ouverte 2.0 / ODbL selon la source (voir data/README.md)',
                        'url': 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/'},
        },
        'servers': [{'url': '/api/v1'}],
        'paths': paths,
        'components': {'schemas': schemas},
    }


def main():
    text = json.dumps(document(), ensure_ascii=False, indent=2) + '\n'
    if '--check' in sys.argv:
        current = open(OUT, encoding='utf-8').read() if os.path.exists(OUT) else ''
        if current != text:
            print('data/api/openapi.json is stale: run tools/gen_openapi.py', file=sys.stderr)
            sys.exit(1)
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    open(OUT, 'w', encoding='utf-8').write(text)


if __name__ == '__main__':
    main()
