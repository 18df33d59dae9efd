// A Leaflet map for drawing one geometry with Geoman (point, line or polygon), kept in sync
// with a GeoJSON text field: the field is the keyboard-accessible way to give the geometry.
"use strict";

window.ttDrawMap = function (el, field, options) {
  const opts = Object.assign({ shapes: ["Marker", "Line", "Polygon"] }, options || {});
  const map = L.map(el, { center: [58.3245, 15.128], zoom: 14 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  // Zone outlines for orientation (also without a basemap); clicks pass through to the drawing.
  fetch("/api/v1/zones?f=geojson&limit=100", { credentials: "same-origin" })
    .then(function (res) { return res.ok ? res.json() : null; })
    .then(function (zones) {
      if (zones) L.geoJSON(zones, { interactive: false, style: { color: "#0b2e59", weight: 1, fill: false } }).addTo(map);
    });
  const drawn = L.featureGroup().addTo(map);

  function write() {
    const layers = drawn.getLayers();
    field.value = layers.length ? JSON.stringify(layers[0].toGeoJSON().geometry) : "";
    field.dispatchEvent(new Event("change"));
  }

  function show(geometry) {
    drawn.clearLayers();
    if (!geometry) return;
    L.geoJSON(geometry).eachLayer(function (layer) { drawn.addLayer(layer); });
    map.fitBounds(drawn.getBounds(), { maxZoom: 17 });
  }

  const tools = {
    position: "topleft",
    drawMarker: opts.shapes.includes("Marker"),
    drawPolyline: opts.shapes.includes("Line"),
    drawPolygon: opts.shapes.includes("Polygon"),
    drawRectangle: false, drawCircle: false, drawCircleMarker: false, drawText: false,
    cutPolygon: false, rotateMode: false,
    editMode: true, dragMode: true, removalMode: true,
  };
  map.pm.addControls(tools);
  map.pm.setLang(document.body.dataset.lang === "en" ? "en" : "sv");
  map.on("pm:create", function (e) {
    // One geometry per record: a new drawing replaces the old one.
    drawn.getLayers().forEach(function (old) { if (old !== e.layer) drawn.removeLayer(old); });
    drawn.addLayer(e.layer);
    e.layer.on("pm:edit pm:dragend", write);
    write();
  });
  map.on("pm:remove", function (e) { drawn.removeLayer(e.layer); write(); });
  field.addEventListener("input", function () {
    try { show(field.value.trim() ? JSON.parse(field.value) : null); } catch (err) { /* typing */ }
  });
  if (field.value.trim()) {
    try { show(JSON.parse(field.value)); } catch (err) { /* shown as an error on save */ }
  }
  drawn.eachLayer(function (layer) { layer.on("pm:edit pm:dragend", write); });
  return { map: map, layers: drawn, show: show };
};
