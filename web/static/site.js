// maillage — progressive enhancement for every page. The pages work without this file.
(function () {
  'use strict';

  // "Autour de moi": the browser's position fills lat/lon and submits the search.
  var aroundMe = document.getElementById('autour-de-moi');
  var autour = document.getElementById('autour');
  if (aroundMe && 'geolocation' in navigator) {
    aroundMe.hidden = false;
    aroundMe.addEventListener('click', function () {
      var status = document.getElementById('autour-etat');
      status.textContent = 'Recherche de votre position…';
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = aroundMe.form;
        ['lat', 'lon'].forEach(function (name) {
          var old = form.querySelector('input[type="hidden"][name="' + name + '"]');
          if (old) old.remove();
          var input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = (name === 'lat' ? position.coords.latitude : position.coords.longitude).toFixed(5);
          form.appendChild(input);
        });
        autour.value = '';
        form.submit();
      }, function () {
        status.textContent = "Votre position n'a pas pu être trouvée. Indiquez une commune ou un code postal.";
      }, { timeout: 15000, maximumAge: 300000 });
    });
  }

  // Commune suggestions for "Où ?" (the list of a <datalist>).
  var communes = document.getElementById('communes');
  if (autour && communes && window.fetch) {
    var timer = null, last = '';
    autour.addEventListener('input', function () {
      // A typed place replaces a position found by "Autour de moi".
      var form = autour.form;
      form.querySelectorAll('input[type="hidden"][name="lat"], input[type="hidden"][name="lon"]')
        .forEach(function (el) { el.remove(); });
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = autour.value.trim();
        if (text.length < 2 || text === last || /^\d{1,4}$/.test(text)) return;
        last = text;
        fetch('/api/v1/territoires?q=' + encodeURIComponent(text))
          .then(function (r) { return r.ok ? r.json() : { communes: [] }; })
          .then(function (body) {
            communes.textContent = '';
            body.communes.forEach(function (c) {
              var option = document.createElement('option');
              // The label keeps a homonym's identity ("Saint-Denis (93)") from the list to the
              // results: the search resolves it back to the same commune.
              option.value = c.libelle || c.nom;
              option.label = c.libelle && c.libelle !== c.nom ? c.libelle : c.nom + ' (' + c.departement + ')';
              communes.appendChild(option);
            });
          })
          .catch(function () {});
      }, 250);
    });
  }

  // "Filtres (n)" on a phone: after a search the results come right after the search box and the
  // filters wait behind a button that opens and closes them; n counts the ticked ones. Without
  // JavaScript the filters stay open, shown after the results (site.css).
  var filtersButton = document.getElementById('bouton-filtres');
  var filters = document.getElementById('filtres');
  if (filtersButton && filters && window.matchMedia) {
    var narrow = window.matchMedia('(max-width: 37.5em)');
    var setFiltersOpen = function (open) {
      filtersButton.setAttribute('aria-expanded', open ? 'true' : 'false');
      filters.hidden = !open;
    };
    var layOutFilters = function () {
      filtersButton.hidden = !narrow.matches;
      filters.parentNode.classList.toggle('filtres-repliables', narrow.matches);
      setFiltersOpen(!narrow.matches || !document.getElementById('zone-liste'));
    };
    filtersButton.addEventListener('click', function () { setFiltersOpen(filters.hidden); });
    filters.addEventListener('change', function () {
      document.getElementById('nb-filtres').textContent =
        filters.querySelectorAll('input[type="checkbox"]:checked').length;
    });
    if (narrow.addEventListener) narrow.addEventListener('change', layOutFilters);
    else narrow.addListener(layOutFilters);
    layOutFilters();
  }

  // Print button of the sheets.
  var print = document.getElementById('imprimer');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }

  // Copy button of the embed snippet.
  var copy = document.getElementById('copier');
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      var target = document.getElementById(copy.dataset.cible);
      navigator.clipboard.writeText(target.value).then(function () {
        document.getElementById('copier-etat').textContent = 'Code copié.';
      });
    });
  }

  // A form returned with errors: move the focus to their summary.
  var errors = document.getElementById('erreurs');
  if (errors) errors.focus();
})();
