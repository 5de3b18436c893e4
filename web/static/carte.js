// maillage — the maps (Leaflet + markercluster). The list of results stays the way to reach
// every place, with the keyboard too; the map adds a view of them. Every marker has an
// accessible name; the map itself pans and zooms with the keyboard (arrows, + and -), and on the
// results' map the markers and groups are buttons in the tab order (see the section below).
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

  // `kind`: "expert" for the experts' own marker (class marqueur-expert), else a place's. `id`:
  // the place's public id, kept on the marker as data-lieu (the focus is put back on it when the
  // list is replaced).
  function markerIcon(name, selected, kind, id) {
    return L.divIcon({
      className: 'marqueur' + (kind ? ' marqueur-' + kind : '') + (selected ? ' selectionne' : ''),
      html: '<span aria-hidden="true"' + (id ? ' data-lieu="' + escapeHtml(id) + '"' : '') + '></span>' +
        '<b class="visuellement-cache">' + escapeHtml(name) + '</b>',
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
          // Out of the tab order: the list of experts is the keyboard path.
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
  // The page's results are markers of their own, never grouped, in a pane placed before the
  // groups' in the document: Tab reaches them first, in the order of the list. The other places
  // of the search (up to 500) are grouped by markercluster. Every marker and group is a button
  // (Leaflet's `keyboard` option) named by its place or "Groupe de N lieux, zoomer": Enter or
  // Space on a result's marker selects it in the list and opens its popup, on another place's
  // marker opens its popup, on a group zooms into it (or spreads it out) and moves the focus to
  // the first place or group it held; Escape closes the popup. Only the markers and groups
  // inside the map's frame are tab stops, and focusing one does not pan the map: Tab never lands
  // out of sight, nor makes markercluster redraw the groups under the focus, and goes on out of
  // the map (the list stays the way to every result). A move the keyboard causes inside the map
  // (a group opening, a popup making room) does not search the view again, so the list and the
  // markers do not change under the keyboard; the arrow keys on the map itself still do.
  var el = document.getElementById('carte');
  if (!el) return;
  var frame = document.getElementById('carte-cadre');
  frame.hidden = false;
  var map = baseMap(el);
  var resultsPane = map.createPane('resultats');
  var markerPane = map.getPane('markerPane');
  markerPane.parentNode.insertBefore(resultsPane, markerPane);
  resultsPane.style.zIndex = 650;  // above the groups (markerPane: 600), under popups (700)
  var pageLayer = L.layerGroup().addTo(map);
  if (L.MarkerCluster) L.MarkerCluster.mergeOptions({ autoPanOnFocus: false });
  var clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 10 ? 36 : n < 100 ? 44 : 52;
      return L.divIcon({
        className: 'grappe',
        html: '<span aria-hidden="true">' + n + '</span><b class="visuellement-cache">Groupe de ' + n + ' lieux, zoomer</b>',
        iconSize: L.point(size, size)
      });
    }
  });
  map.addLayer(clusters);
  var markers = {};   // public id -> marker
  var selectedId = null;
  var followMoves = false;
  var announce = document.getElementById('annonce');

  function listItem(id) {
    return document.querySelector('.resultat[data-id="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
  }

  // (setIcon reuses the marker's element, so the focus stays on it; Leaflet makes it a tab stop
  // again, whatever its place.)
  // The selected marker is drawn above the others: places at the same spot (one place published
  // by two sources) would otherwise hide it, and a click on it would select another.
  function setSelected(marker, selected) {
    marker.setIcon(markerIcon(marker.options.nom, selected, null, marker.options.id));
    marker.setZIndexOffset(selected ? 10000 : 0);
    scheduleTabStops();
  }

  // The markers and groups whose centre is inside the map's frame are tab stops, the others not.
  function updateTabStops() {
    var frame = el.getBoundingClientRect();
    el.querySelectorAll('.leaflet-marker-icon').forEach(function (icon) {
      var box = icon.getBoundingClientRect();
      var x = box.left + box.width / 2, y = box.top + box.height / 2;
      icon.tabIndex = x >= frame.left && x <= frame.right && y >= frame.top && y <= frame.bottom ? 0 : -1;
    });
  }
  var tabStopsTimer = null;
  function scheduleTabStops() {  // after markercluster has drawn (its handlers may run after ours)
    clearTimeout(tabStopsTimer);
    tabStopsTimer = setTimeout(updateTabStops, 0);
  }
  map.on('moveend', scheduleTabStops);
  clusters.on('animationend spiderfied unspiderfied', scheduleTabStops);

  function select(id, fromList) {
    if (selectedId && markers[selectedId]) setSelected(markers[selectedId], false);
    document.querySelectorAll('.resultat.selectionne').forEach(function (li) { li.classList.remove('selectionne'); });
    selectedId = id;
    var marker = markers[id];
    if (marker) setSelected(marker, true);
    var item = listItem(id);
    if (item) {
      item.classList.add('selectionne');
      if (!fromList) item.scrollIntoView({ block: 'nearest' });
    }
    if (fromList && marker) {
      el.scrollIntoView({ block: 'nearest' });  // on a phone the map comes after the list
      followMoves = false;
      var show = function () {
        marker.openPopup();
        setTimeout(function () { followMoves = true; }, 500);
      };
      if (!pageLayer.hasLayer(marker)) {
        clusters.zoomToShowLayer(marker, show);
      } else if (map.getBounds().contains(marker.getLatLng())) {
        show();
      } else {
        map.once('moveend', show);
        map.panTo(marker.getLatLng());
      }
    }
    return item;
  }

  // The widget (/integrer) opens places in a new tab (data-cible) and searches the view with its
  // own page (data-page).
  var linkTarget = el.dataset.cible ? ' target="' + escapeHtml(el.dataset.cible) + '" rel="noopener"' : '';
  var viewPage = el.dataset.page || '/recherche';

  function popupHtml(p) {
    return '<p class="popup-nom"><a href="/lieux/' + encodeURIComponent(p.id) + '"' + linkTarget + '>' + escapeHtml(p.nom) + '</a></p>' +
      (p.commune ? '<p>' + escapeHtml(p.commune) + '</p>' : '');
  }

  // One marker per place, kept across list refreshes (it moves between the page's layer and the
  // groups).
  function markerOf(p) {
    if (markers[p.id]) return markers[p.id];
    var marker = L.marker([p.lat, p.lon], {
      icon: markerIcon(p.nom, false, null, p.id), keyboard: true, autoPanOnFocus: false, nom: p.nom, id: p.id,
      title: p.commune ? p.nom + ', ' + p.commune : p.nom
    });
    marker.bindPopup(popupHtml(p));
    marker.on('click', function () { select(p.id, false); });
    marker.on('keydown', function (e) { if (activates(e)) choose(p.id); });
    markers[p.id] = marker;
    return marker;
  }

  function pageItems() {
    return Array.prototype.slice.call(document.querySelectorAll('.liste > .resultat[data-lat]'));
  }

  function focusedIcon() {
    var active = document.activeElement;
    return active && active !== el && el.contains(active) && active.classList.contains('leaflet-marker-icon') ? active : null;
  }

  // The page's results into their layer, in list order; the markers of the previous page back
  // into the groups. The focus stays on the same place's marker.
  function placeResults() {
    var focused = focusedIcon();
    var focusedTag = focused && focused.querySelector('[data-lieu]');
    var focusedId = focusedTag ? focusedTag.getAttribute('data-lieu') : null;
    var items = pageItems();
    var onPage = {};
    items.forEach(function (li) { onPage[li.dataset.id] = true; });
    var back = [];
    pageLayer.eachLayer(function (m) { if (!onPage[m.options.id]) back.push(m); });
    pageLayer.clearLayers();
    back.forEach(function (m) { m.options.pane = 'markerPane'; });
    clusters.addLayers(back);
    var page = items.map(function (li) {
      var title = li.querySelector('.resultat-titre a');
      return markerOf({ id: li.dataset.id, nom: title ? title.textContent.trim() : li.dataset.id,
        lat: parseFloat(li.dataset.lat), lon: parseFloat(li.dataset.lon) });
    });
    clusters.removeLayers(page.filter(function (m) { return clusters.hasLayer(m); }));
    page.forEach(function (m) {
      m.options.pane = 'resultats';
      pageLayer.addLayer(m);
    });
    if (focusedId && markers[focusedId] && markers[focusedId].getElement()) markers[focusedId].getElement().focus();
    else if (focused && !document.contains(focused)) el.focus();
    scheduleTabStops();
  }

  function bindList() {
    pageItems().forEach(function (li) {
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
        if (m && clusters.getVisibleParent(m) === m) setSelected(m, true);
      });
      li.addEventListener('mouseleave', function () {
        var m = markers[li.dataset.id];
        if (m && li.dataset.id !== selectedId) setSelected(m, false);
      });
    });
  }

  // Enter or Space on a marker or a group (a keydown Leaflet passes to the layer). Leaflet and
  // markercluster would only react to Enter, on keypress: the popup toggled, the group zoomed
  // and the focus put on the whole map. Escape closes the popup (the map's own keyboard handler
  // listens only while the map itself has the focus).
  function activates(e) {
    var key = e.originalEvent.key;
    if (key === 'Escape') map.closePopup();
    if (key !== 'Enter' && key !== ' ') return false;
    L.DomEvent.preventDefault(e.originalEvent);  // no keypress, no scrolling of the page
    return true;
  }

  // A place's marker: selects its result in the list (when it is on the page) and opens its popup.
  function choose(id) {
    var marker = markers[id];
    var item = select(id, false);
    marker.openPopup();
    if (item) {
      var rank = pageItems().indexOf(item) + parseInt(item.parentNode.getAttribute('start') || '1', 10);
      announce.textContent = marker.options.nom + ' : résultat ' + rank + ' de la liste, sélectionné.';
    }
  }

  // A group: what a click does (zoom into it, or spread it out when zooming cannot part it),
  // then the focus on the first place or group it held, never lost to the page's <body>.
  function openGroup(group) {
    var children = group.getAllChildMarkers();
    var done = false;
    var focusInside = function () {
      if (done) return;
      done = true;
      clusters.off('animationend spiderfied', later);
      updateTabStops();
      for (var i = 0; i < children.length; i++) {
        var shown = clusters.getVisibleParent(children[i]);
        if (shown && shown !== group && shown.getElement() && shown.getElement().tabIndex === 0) {
          shown.getElement().focus();
          return;
        }
      }
      if (!focusedIcon()) el.focus();
    };
    var later = function () { setTimeout(focusInside, 0); };
    clusters.on('animationend spiderfied', later);
    setTimeout(focusInside, 1500);  // when neither comes
    // What a click on the group does: markercluster turns a "click" whose layer is a group into
    // its "clusterclick".
    clusters.fire('click', { layer: group, propagatedFrom: group, sourceTarget: group });
  }
  clusters.on('clusterkeydown', function (e) { if (activates(e)) openGroup(e.layer); });

  // Leaflet names the popup's close button in English.
  map.on('popupopen', function (e) {
    var close = e.popup.getElement().querySelector('.leaflet-popup-close-button');
    if (close) {
      close.setAttribute('aria-label', 'Fermer');
      close.title = 'Fermer';
    }
  });

  function listBounds() {
    var points = pageItems().map(function (li) { return [parseFloat(li.dataset.lat), parseFloat(li.dataset.lon)]; });
    return points.length ? L.latLngBounds(points) : null;
  }

  // Moving the map searches the view: the list is fetched again with bbox= and replaced.
  var pending = null;
  function searchView() {
    var b = map.getBounds();
    var params = new URLSearchParams(window.location.search);
    params.delete('curseur');
    params.delete('page');
    params.set('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(','));
    var url = viewPage + '?' + params.toString();
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
        placeResults();
        var kept = selectedId && listItem(selectedId);
        if (kept) kept.classList.add('selectionne');
        var heading = document.getElementById('titre-resultats');
        announce.textContent = (heading ? heading.textContent : '') + ' dans la zone de la carte.';
      })
      .catch(function () {});
  }
  var moveTimer = null;
  var keyboardMove = false;
  map.on('movestart', function () { keyboardMove = !!focusedIcon(); });
  map.on('moveend', function () {
    if (keyboardMove) {
      keyboardMove = false;
      return;
    }
    if (!followMoves || !document.getElementById('suivre-carte').checked) return;
    clearTimeout(moveTimer);
    moveTimer = setTimeout(searchView, 400);
  });

  bindList();
  placeResults();
  var initial = listBounds();
  if (initial) map.fitBounds(initial.pad(0.15), { maxZoom: 14 });
  else map.setView([46.6, 2.4], 5);

  fetch(el.dataset.api)
    .then(function (r) { return r.json(); })
    .then(function (body) {
      var onPage = {};
      pageItems().forEach(function (li) { onPage[li.dataset.id] = true; });
      var layers = [];
      body.lieux.forEach(function (row) {
        var marker = markerOf({ id: row[0], nom: row[1], commune: row[2], lat: row[3], lon: row[4] });
        // The page's markers were made from the list: give them the commune too.
        marker.options.title = row[2] ? row[1] + ', ' + row[2] : row[1];
        if (marker.getElement()) marker.getElement().title = marker.options.title;
        marker.setPopupContent(popupHtml({ id: row[0], nom: row[1], commune: row[2] }));
        if (!onPage[row[0]]) layers.push(marker);
      });
      clusters.addLayers(layers);
      scheduleTabStops();
      if (!initial && layers.length) map.fitBounds(clusters.getBounds().pad(0.1), { maxZoom: 14 });
      setTimeout(function () { followMoves = true; }, 800);
    })
    .catch(function () {});
})();
