// The /api/docs page's own script, served beside Scalar's build as `<assets>/<build>/init.js` (docs-ui.ts).
// The page's Content-Security-Policy allows scripts and styles from its own origin only: no inline <style>,
// no style attribute, no eval. Scalar's run-time styling uses all three, so they are bridged here before
// Scalar is loaded (ADR 0014).

// Scalar renders its theme in a <style> element (Vue) and CodeMirror, in the request editor, writes its
// rules into one too; the CSP refuses either, even empty. A <style> made by a script is given a type the
// browser does not apply, and the CSS written into it goes to a constructable stylesheet adopted by the
// document instead: the CSSOM is the way the CSP leaves open to scripts of the page's own origin. Style
// elements that come from markup (the parser) are not touched and stay refused.
const createElement = Document.prototype.createElement;
Document.prototype.createElement = function (tagName, options) {
  const element = createElement.call(this, tagName, options);
  if (String(tagName).toLowerCase() !== "style") return element;
  return bridgedStyle(this);
};

function bridgedStyle(document) {
  const element = createElement.call(document, "template");
  const sheet = new CSSStyleSheet();
  let css = "";
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const write = {
    get: () => css,
    set: (value) => {
      css = String(value ?? "");
      sheet.replaceSync(css);
    },
  };
  Object.defineProperty(element, "textContent", write);
  Object.defineProperty(element, "innerHTML", write);
  return element;
}

// A style attribute set by a script (Scalar measures the scrollbar width with one) is refused like inline
// CSS in markup; the same declarations through `element.style` are not.
const setAttribute = Element.prototype.setAttribute;
Element.prototype.setAttribute = function (name, value) {
  if (String(name).toLowerCase() === "style" && this.style) this.style.cssText = String(value);
  else setAttribute.call(this, name, value);
};

// Zod (inside Scalar) probes `new Function` once to decide whether to compile its parsers; without
// 'unsafe-eval' the probe is a reported violation. Its interpreted mode gives the same results.
globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };

// Loaded only now, so everything above is in place before any of Scalar runs.
const { createApiReference } = await import("./standalone.esm.js");
const mount = document.getElementById("docs");
createApiReference(mount, {
  url: mount.dataset.openapiUrl,
  // Nothing on this page may reach a Scalar-run service (fonts, telemetry, the AI agent, MCP, the hosted
  // client that "Open API Client" links to with this spec's URL): the system fonts are used, the rest is off.
  // "Test Request" stays: its client runs in this page and calls this origin.
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  documentDownloadType: "json",
});
