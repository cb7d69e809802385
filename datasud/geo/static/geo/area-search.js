/* DataSud search page: the "Chercher sur la carte" panel ([data-area-map], rendered by
   {% search_area_map %}). It stays hidden without JavaScript: the four fields of the
   "Zone géographique" filter are then the way to give an area. With JavaScript the panel
   shows; MapLibre (served by the platform, no CDN) is loaded when the panel is opened, over
   the basemap of the région's own territories. It draws the area searched (data-bbox) and
   the extents of the page's datasets (JSON in #area-map-extents), and its button searches
   the map's view: the four fields are filled (rounded outwards to 4 decimals, clamped to
   WGS84) and the form's search is sent with `bbox=ouest,sud,est,nord`.
   Without WebGL the panel says so and points to the fields. Text is set as text, never
   as HTML. */

const REGION = [[4.2, 42.9], [7.8, 45.2]];  /* Région Sud, when no area is searched */
const ZONE = "#b3261e";                      /* the area searched */
const EXTENT = "#0b6e78";                    /* the results' extents */
const EDGES = ["west", "south", "east", "north"];
const PLACES = 1e4;                          /* 4 decimals: about 10 m */

function absolute(url) {
  return new URL(url, window.location.href).href;
}

function parseBBox(text) {
  const numbers = (text || "").split(",").map(Number);
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) { return null; }
  return numbers;
}

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

/* The view [west, south, east, north] widened to 4 decimals (so that it covers all that
   is shown) and clamped to WGS84 (a world view repeats longitudes beyond ±180). */
function viewBBox(bounds) {
  const down = (value) => Math.floor(value * PLACES) / PLACES;
  const up = (value) => Math.ceil(value * PLACES) / PLACES;
  return [
    clamp(down(bounds.getWest()), -180, 180), clamp(down(bounds.getSouth()), -90, 90),
    clamp(up(bounds.getEast()), -180, 180), clamp(up(bounds.getNorth()), -90, 90),
  ];
}

function rectangle(bbox, properties) {
  const [west, south, east, north] = bbox;
  return { type: "Feature", properties,
    geometry: { type: "Polygon",
      coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] } };
}

function readExtents() {
  const script = document.getElementById("area-map-extents");
  try {
    return script ? JSON.parse(script.textContent) : [];
  } catch (error) {
    return [];
  }
}

function addStylesheet(href) {
  if (!href || document.querySelector(`link[href="${CSS.escape(href)}"]`)) { return; }
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.appendChild(link);
}

function say(panel, message) {
  const status = panel.querySelector("[data-area-map-status]");
  if (status) { status.textContent = message; }
}

/* The view in words (the map's text alternative), in the page's language. */
function describe(panel, bbox) {
  const view = panel.querySelector("[data-area-map-view]");
  if (!view) { return; }
  const number = new Intl.NumberFormat(document.documentElement.lang || "fr",
    { maximumFractionDigits: 4 });
  const [west, south, east, north] = bbox.map((value) => number.format(value));
  view.textContent = (panel.dataset.textView || "{ouest}, {sud}, {est}, {nord}")
    .replace("{ouest}", west).replace("{sud}", south)
    .replace("{est}", east).replace("{nord}", north);
}

/* Search the area: the form's other parameters (text, filters, sort) are kept, the
   page and any earlier area dropped. */
function searchArea(panel, bbox) {
  const form = document.getElementById(panel.dataset.form);
  if (!form) { return; }
  EDGES.forEach((name, index) => {
    const field = form.elements.namedItem(name);
    if (field) { field.value = String(bbox[index]); }
  });
  const params = new URLSearchParams();
  new FormData(form).forEach((value, name) => {
    if (typeof value === "string" && value !== "" && !EDGES.includes(name)
        && name !== "bbox" && name !== "page") {
      params.append(name, value);
    }
  });
  const action = new URL(form.getAttribute("action") || window.location.pathname,
    window.location.href);
  /* Numbers only: the commas stay readable in the address. */
  const others = params.toString();
  action.search = `${others ? `${others}&` : ""}bbox=${bbox.join(",")}`;
  window.location.assign(action.href);
}

function popupContent(panel, features) {
  const box = document.createElement("div");
  box.className = "geo-popup";
  const heading = document.createElement("p");
  heading.className = "geo-popup-title";
  heading.textContent = panel.dataset.textExtents || "";
  box.appendChild(heading);
  const list = document.createElement("ul");
  list.className = "area-map-popup-list";
  const seen = new Set();
  features.forEach((feature) => {
    const { title, url } = feature.properties;
    if (!url || seen.has(url)) { return; }
    seen.add(url);
    const item = document.createElement("li");
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = title;
    item.appendChild(anchor);
    list.appendChild(item);
  });
  box.appendChild(list);
  return box;
}

function drawExtents(ml, map, panel, extents) {
  if (!extents.length) { return; }
  map.addSource("emprises", { type: "geojson", data: { type: "FeatureCollection",
    features: extents.map((extent) => rectangle(extent.bbox,
      { title: extent.title, url: extent.url })) } });
  map.addLayer({ id: "emprises-surfaces", type: "fill", source: "emprises",
    paint: { "fill-color": EXTENT, "fill-opacity": 0.05 } });
  map.addLayer({ id: "emprises-contours", type: "line", source: "emprises",
    paint: { "line-color": EXTENT, "line-width": 1.5 } });
  map.on("click", "emprises-surfaces", (event) => {
    new ml.Popup({ maxWidth: "320px" }).setLngLat(event.lngLat)
      .setDOMContent(popupContent(panel, event.features)).addTo(map);
  });
  map.on("mouseenter", "emprises-surfaces", () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "emprises-surfaces", () => { map.getCanvas().style.cursor = ""; });
}

function drawZone(map, bbox) {
  if (!bbox) { return; }
  map.addSource("zone", { type: "geojson", data: rectangle(bbox, {}) });
  map.addLayer({ id: "zone-surface", type: "fill", source: "zone",
    paint: { "fill-color": ZONE, "fill-opacity": 0.08 } });
  map.addLayer({ id: "zone-contour", type: "line", source: "zone",
    paint: { "line-color": ZONE, "line-width": 3 } });
}

function build(ml, panel) {
  const container = panel.querySelector("[data-area-map-canvas]");
  const button = panel.querySelector("[data-area-map-search]");
  const zone = parseBBox(panel.dataset.bbox);
  let map;
  try {
    map = new ml.Map({
      container,
      style: absolute(panel.dataset.style),
      bounds: zone ? [[zone[0], zone[1]], [zone[2], zone[3]]] : REGION,
      fitBoundsOptions: { padding: 24, maxZoom: 14 },
      locale: JSON.parse(panel.dataset.mapLocale || "{}"),  /* the page's language */
      attributionControl: { compact: true },
      cooperativeGestures: false,
    });
  } catch (error) {
    container.hidden = true;  /* no WebGL: the fields of the filters stay */
    say(panel, panel.dataset.textError || "");
    return;
  }
  panel.datasudMap = map;  /* for the browser tests */
  const canvas = map.getCanvas();
  canvas.setAttribute("aria-label", panel.dataset.label || "Carte");
  canvas.setAttribute("aria-describedby", "area-map-help area-map-view");
  map.addControl(new ml.NavigationControl({ showCompass: false }));
  let reported = false;
  map.on("error", () => {
    /* A missing tile or style: say it once, in words, instead of a console error. */
    if (!reported) {
      reported = true;
      say(panel, panel.dataset.textError || "");
    }
  });
  const update = () => describe(panel, viewBBox(map.getBounds()));
  map.on("moveend", update);
  map.on("load", () => {
    drawExtents(ml, map, panel, readExtents());
    drawZone(map, zone);
    update();
    button.disabled = false;
    button.addEventListener("click", () => searchArea(panel, viewBBox(map.getBounds())));
    map.once("idle", () => { panel.dataset.state = "ready"; });
  });
}

async function open(panel) {
  let ml;
  try {
    ml = await import(panel.dataset.maplibre);
  } catch (error) {
    panel.querySelector("[data-area-map-canvas]").hidden = true;
    say(panel, panel.dataset.textError || "");
    return;
  }
  addStylesheet(panel.dataset.maplibreCss);
  build(ml, panel);
}

function start() {
  const panel = document.querySelector("[data-area-map]");
  if (!panel) { return; }
  panel.hidden = false;
  /* MapLibre is loaded the first time the panel is opened (already open when an area is
     searched), not on every search page. */
  if (panel.open) {
    open(panel);
  } else {
    panel.addEventListener("toggle", function first() {
      if (!panel.open) { return; }
      panel.removeEventListener("toggle", first);
      open(panel);
    });
  }
}

start();
