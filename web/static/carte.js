// maillage — the maps (Leaflet + markercluster). The list of results stays the way to reach
// every place, with the keyboard too; the map adds a view of them. Every marker has an
// accessible name; the map itself pans and zooms with the keyboard (arrows, + and -).
(function () {
  'use strict';
  if (!window.L) return;

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function baseMap(el) {
    var map = L.map(el, { keyboard: true, scrollWheelZoom: false, zoomControl: true, minZoom: 2, maxZoom: 19 });
    map.attributionControl.setPrefix(false);
    if (el.dataset.tuiles) {
      L.tileLayer(el.dataset.tuiles, { attribution: escapeHtml(el.dataset.attribution || ''), maxZoom: 19 }).addTo(map);
    }
    // Leaflet's zoom buttons speak English: name them in French.
    el.querySelectorAll('.leaflet-control-zoom-in').forEach(function (b) { b.title = 'Zoomer'; b.setAttribute('aria-label', 'Zoomer'); });
    el.querySelectorAll('.leaflet-control-zoom-out').forEach(function (b) { b.title = 'Dézoomer'; b.setAttribute('aria-label', 'Dézoomer'); });
    return map;
  }

  // `kind`: "expert" for the experts' own marker (class marqueur-expert), else a place's.
  function markerIcon(name, selected, kind) {
    return L.divIcon({
      className: 'marqueur' + (kind ? ' marqueur-' + kind : '') + (selected ? ' selectionne' : ''),
      html: '<span aria-hidden="true"></span><b class="visuellement-cache">' + escapeHtml(name) + '</b>',
      iconSize: null
    });
  }

  // ---- One place ----
  var one = document.getElementById('carte-lieu');
  if (one) {
    one.hidden = false;
    var lat = parseFloat(one.dataset.lat), lon = parseFloat(one.dataset.lon);
    var placeMap = baseMap(one).setView([lat, lon], 15);
    L.marker([lat, lon], { icon: markerIcon(one.dataset.nom, false), keyboard: false }).addTo(placeMap);
  }

  // ---- Experts (/experts): round green markers at the centre of their commune ----
  var experts = document.getElementById('carte-experts');
  if (experts) {
    document.getElementById('carte-cadre').hidden = false;
    var expertMap = baseMap(experts).setView([46.6, 2.4], 5);
    if (L.MarkerCluster) L.MarkerCluster.mergeOptions({ keyboard: false });
    var expertGroups = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) {
        var n = cluster.getChildCount();
        return L.divIcon({
          className: 'grappe grappe-experts',
          html: '<span aria-hidden="true">' + n + '</span><b class="visuellement-cache">Groupe de ' + n + ' experts, agrandir</b>',
          iconSize: L.point(40, 40)
        });
      }
    });
    expertMap.addLayer(expertGroups);
    fetch(experts.dataset.api)
      .then(function (r) { return r.json(); })
      .then(function (body) {
        var layers = (body.experts || []).map(function (row) {
          var name = row[1] + ', ' + row[2];
          // Out of the tab order, like the places' markers: the list is the keyboard path.
          var marker = L.marker([row[3], row[4]], { icon: markerIcon(name, false, 'expert'), keyboard: false, title: name });
          marker.bindPopup('<p class="popup-nom"><a href="/experts/' + encodeURIComponent(row[0]) + '">' +
            escapeHtml(row[1]) + '</a></p><p>' + escapeHtml(row[2]) + '</p>');
          return marker;
        });
        expertGroups.addLayers(layers);
        if (layers.length) expertMap.fitBounds(expertGroups.getBounds().pad(0.1), { maxZoom: 12 });
      })
      .catch(function () {});
    return;
  }

  // ---- Search results ----
  var el = document.getElementById('carte');
  if (!el) return;
  var frame = document.getElementById('carte-cadre');
  frame.hidden = false;
  var map = baseMap(el);
  // Groups are zoomed with the map's keys, not tabbed to (same reason as the markers).
  if (L.MarkerCluster) L.MarkerCluster.mergeOptions({ keyboard: false });
  var clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 10 ? 36 : n < 100 ? 44 : 52;
      return L.divIcon({
        className: 'grappe',
        html: '<span aria-hidden="true">' + n + '</span><b class="visuellement-cache">Groupe de ' + n + ' lieux, agrandir</b>',
        iconSize: L.point(size, size)
      });
    }
  });
  map.addLayer(clusters);
  var markers = {};   // public id -> marker
  var selectedId = null;
  var followMoves = false;

  function listItem(id) {
    return document.querySelector('.resultat[data-id="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
  }

  function select(id, fromList) {
    if (selectedId && markers[selectedId]) markers[selectedId].setIcon(markerIcon(markers[selectedId].options.nom, false));
    document.querySelectorAll('.resultat.selectionne').forEach(function (li) { li.classList.remove('selectionne'); });
    selectedId = id;
    var marker = markers[id];
    if (marker) marker.setIcon(markerIcon(marker.options.nom, true));
    var item = listItem(id);
    if (item) {
      item.classList.add('selectionne');
      if (!fromList) item.scrollIntoView({ block: 'nearest' });
    }
    if (fromList && marker) {
      followMoves = false;
      clusters.zoomToShowLayer(marker, function () {
        marker.openPopup();
        setTimeout(function () { followMoves = true; }, 500);
      });
    }
  }

  function popupHtml(p) {
    return '<p class="popup-nom"><a href="/lieux/' + encodeURIComponent(p.id) + '">' + escapeHtml(p.nom) + '</a></p>' +
      '<p>' + escapeHtml(p.commune) + '</p>';
  }

  function bindList() {
    document.querySelectorAll('.resultat[data-lat]').forEach(function (li) {
      if (li.querySelector('.voir-carte')) return;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'bouton bouton-secondaire voir-carte';
      button.textContent = 'Voir sur la carte';
      var title = li.querySelector('.resultat-titre a');
      button.setAttribute('aria-label', 'Voir ' + (title ? title.textContent : 'ce lieu') + ' sur la carte');
      button.addEventListener('click', function () { select(li.dataset.id, true); });
      li.appendChild(button);
      li.addEventListener('mouseenter', function () {
        var m = markers[li.dataset.id];
        if (m && clusters.getVisibleParent(m) === m) m.setIcon(markerIcon(m.options.nom, true));
      });
      li.addEventListener('mouseleave', function () {
        var m = markers[li.dataset.id];
        if (m && li.dataset.id !== selectedId) m.setIcon(markerIcon(m.options.nom, false));
      });
    });
  }

  function listBounds() {
    var points = [];
    document.querySelectorAll('.resultat[data-lat]').forEach(function (li) {
      points.push([parseFloat(li.dataset.lat), parseFloat(li.dataset.lon)]);
    });
    return points.length ? L.latLngBounds(points) : null;
  }

  // Moving the map searches the view: the list is fetched again with bbox= and replaced.
  var announce = document.getElementById('annonce');
  var pending = null;
  function searchView() {
    var b = map.getBounds();
    var params = new URLSearchParams(window.location.search);
    params.delete('curseur');
    params.delete('page');
    params.set('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(','));
    var url = '/recherche?' + params.toString();
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { signal: pending.signal })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('zone-liste');
        var zone = document.getElementById('zone-liste');
        if (!fresh || !zone) return;
        zone.innerHTML = fresh.innerHTML;
        history.replaceState(null, '', url);
        bindList();
        var kept = selectedId && listItem(selectedId);
        if (kept) kept.classList.add('selectionne');
        var heading = document.getElementById('titre-resultats');
        announce.textContent = (heading ? heading.textContent : '') + ' dans la zone de la carte.';
      })
      .catch(function () {});
  }
  var moveTimer = null;
  map.on('moveend', function () {
    if (!followMoves || !document.getElementById('suivre-carte').checked) return;
    clearTimeout(moveTimer);
    moveTimer = setTimeout(searchView, 400);
  });

  bindList();
  var initial = listBounds();
  if (initial) map.fitBounds(initial.pad(0.15), { maxZoom: 14 });
  else map.setView([46.6, 2.4], 5);

  fetch(el.dataset.api)
    .then(function (r) { return r.json(); })
    .then(function (body) {
      var layers = [];
      body.lieux.forEach(function (row) {
        var p = { id: row[0], nom: row[1], commune: row[2] };
        var name = p.nom + ', ' + p.commune;
        // Markers stay out of the tab order: the list is the keyboard path (each result has a
        // "Voir sur la carte" button), and a focused marker would pan the map and move the list.
        var marker = L.marker([row[3], row[4]], { icon: markerIcon(name, false), keyboard: false, nom: name, title: name });
        marker.bindPopup(popupHtml(p));
        marker.on('click', function () { select(p.id, false); });
        markers[p.id] = marker;
        layers.push(marker);
      });
      clusters.addLayers(layers);
      if (!initial && layers.length) map.fitBounds(clusters.getBounds().pad(0.1), { maxZoom: 14 });
      setTimeout(function () { followMoves = true; }, 800);
    })
    .catch(function () {});
})();
