/* DataSud maps: turns each [data-geo-map] block into a MapLibre map (served by the
   platform, no CDN) over the basemap of the région's own territories (/tuiles/territoires/).
   Without JavaScript, WebGL or MapLibre the block stays what the page already shows: the
   extent in words and links to the data (tables, GeoJSON, OGC API).

   data-geo-map="resource"     a geo table: data-tilejson, data-layer, data-geometry
                               (point | line | polygon), data-bounds, data-items
   data-geo-map="territories"  the région with a choice of level ([data-geo-map-levels])
   data-geo-map="territory"    one territory's outline: data-layer, data-code, data-bounds
   Every property shown in a popup is set as text, never as HTML. */

const DATA = "#b3261e";       /* points and lines: 5.9:1 on the land colour */
const AREA = "#0b6e78";       /* polygons */
const LEVELS = ["departements", "epci", "communes"];

function absolute(url) {
  return new URL(url, window.location.href).href;
}

function parseBounds(text) {
  const numbers = (text || "").split(",").map(Number);
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) { return null; }
  return [[numbers[0], numbers[1]], [numbers[2], numbers[3]]];
}

function say(block, message, visible) {
  const status = block.parentElement.querySelector(".geo-map-status");
  if (!status) { return; }
  status.textContent = message;
  status.classList.toggle("visually-hidden", !visible);
}

function fail(block) {
  block.hidden = true;
  say(block, block.dataset.textError || "", true);
}

function addStylesheet(href) {
  if (!href || document.querySelector(`link[href="${CSS.escape(href)}"]`)) { return; }
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.appendChild(link);
}

function popupContent(title, properties, link, linkText) {
  const box = document.createElement("div");
  box.className = "geo-popup";
  const heading = document.createElement("p");
  heading.className = "geo-popup-title";
  heading.textContent = title;
  box.appendChild(heading);
  const names = Object.keys(properties);
  if (names.length) {
    const list = document.createElement("dl");
    names.forEach((name) => {
      const term = document.createElement("dt");
      term.textContent = name;
      const value = document.createElement("dd");
      const raw = properties[name];
      value.textContent = raw === null || raw === undefined || raw === "" ? "—" : String(raw);
      list.append(term, value);
    });
    box.appendChild(list);
  }
  if (link) {
    const anchor = document.createElement("a");
    anchor.href = link;
    anchor.textContent = linkText;
    box.appendChild(anchor);
  }
  return box;
}

function dataLayers(geometry, layer) {
  const base = { source: "donnees", "source-layer": layer };
  if (geometry === "point") {
    return [{ ...base, id: "donnees-points", type: "circle",
      paint: { "circle-color": DATA, "circle-radius": 5, "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 1.5 } }];
  }
  if (geometry === "line") {
    return [{ ...base, id: "donnees-lignes", type: "line",
      paint: { "line-color": DATA, "line-width": 2.5 } }];
  }
  return [
    { ...base, id: "donnees-surfaces", type: "fill",
      paint: { "fill-color": AREA, "fill-opacity": 0.3 } },
    { ...base, id: "donnees-contours", type: "line",
      paint: { "line-color": AREA, "line-width": 1.5 } },
  ];
}

function showResource(ml, map, block) {
  map.addSource("donnees", { type: "vector", url: absolute(block.dataset.tilejson) });
  const layers = dataLayers(block.dataset.geometry, block.dataset.layer);
  layers.forEach((layer) => map.addLayer(layer));
  const clickable = layers[0].id;
  map.on("click", clickable, (event) => {
    const feature = event.features[0];
    const items = block.dataset.items;
    const link = feature.id !== undefined && items ? absolute(`${items}/${feature.id}?f=html`) : "";
    const title = `${block.dataset.textFeature || "Entité"} ${feature.id ?? ""}`.trim();
    new ml.Popup({ maxWidth: "320px" }).setLngLat(event.lngLat)
      .setDOMContent(popupContent(title, feature.properties, link, block.dataset.textOpen))
      .addTo(map);
  });
  map.on("mouseenter", clickable, () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", clickable, () => { map.getCanvas().style.cursor = ""; });
}

function showTerritories(ml, map, block) {
  const levelsForm = document.querySelector("[data-geo-map-levels]");
  LEVELS.forEach((level, index) => {
    map.addLayer({ id: `choix-${level}`, type: "fill", source: "territoires",
      "source-layer": level, layout: { visibility: index === 0 ? "visible" : "none" },
      paint: { "fill-color": AREA, "fill-opacity": 0.08, "fill-outline-color": AREA } });
    map.on("click", `choix-${level}`, (event) => {
      const properties = event.features[0].properties;
      new ml.Popup({ maxWidth: "280px" }).setLngLat(event.lngLat)
        .setDOMContent(popupContent(properties.name, {}, properties.href,
          block.dataset.textOpen))
        .addTo(map);
    });
    map.on("mouseenter", `choix-${level}`, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", `choix-${level}`, () => { map.getCanvas().style.cursor = ""; });
  });
  if (levelsForm) {
    levelsForm.hidden = false;
    levelsForm.addEventListener("change", (event) => {
      LEVELS.forEach((level) => {
        map.setLayoutProperty(`choix-${level}`, "visibility",
          level === event.target.value ? "visible" : "none");
      });
    });
  }
}

function showTerritory(map, block) {
  const filter = ["==", ["get", "code"], block.dataset.code];
  map.addLayer({ id: "territoire-surface", type: "fill", source: "territoires",
    "source-layer": block.dataset.layer, filter,
    paint: { "fill-color": AREA, "fill-opacity": 0.25 } });
  map.addLayer({ id: "territoire-contour", type: "line", source: "territoires",
    "source-layer": block.dataset.layer, filter,
    paint: { "line-color": AREA, "line-width": 2.5 } });
}

function build(ml, block) {
  const kind = block.dataset.geoMap;
  const bounds = parseBounds(block.dataset.bounds);
  block.hidden = false;
  let map;
  try {
    map = new ml.Map({
      container: block,
      style: absolute(block.dataset.style),
      bounds: bounds || [[4.2, 42.9], [7.8, 45.2]],
      fitBoundsOptions: { padding: 24, maxZoom: 14 },
      locale: JSON.parse(block.dataset.mapLocale || "{}"),  /* the page's language */
      attributionControl: { compact: true },
      cooperativeGestures: false,
    });
  } catch (error) {
    fail(block);  /* no WebGL: the text and links stay */
    return;
  }
  block.datasudMap = map;  /* for the browser tests */
  map.getCanvas().setAttribute("aria-label", block.dataset.label || "Carte");
  map.addControl(new ml.NavigationControl({ showCompass: false }));
  let reported = false;
  map.on("error", () => {
    /* A missing tile or style: say it once, in words, instead of a console error. */
    if (!reported) {
      reported = true;
      say(block, block.dataset.textError || "", false);
    }
  });
  map.on("load", () => {
    if (kind === "resource") { showResource(ml, map, block); }
    if (kind === "territories") { showTerritories(ml, map, block); }
    if (kind === "territory") { showTerritory(map, block); }
    map.once("idle", () => { block.dataset.state = "ready"; });
  });
}

async function start() {
  const blocks = Array.from(document.querySelectorAll("[data-geo-map]"));
  if (!blocks.length) { return; }
  let ml;
  try {
    ml = await import(blocks[0].dataset.maplibre);
  } catch (error) {
    blocks.forEach(fail);
    return;
  }
  addStylesheet(blocks[0].dataset.maplibreCss);
  blocks.forEach((block) => build(ml, block));
}

start();
