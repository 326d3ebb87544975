// citizen-desk web chat widget: <script src="https://desk.example.gov/chat/widget.js" defer></script>
// Opens the chat as a floating panel (an iframe of /chat) on a page of a WEBCHAT_ORIGINS site.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__citizenDeskWidget) return;
  window.__citizenDeskWidget = true;
  var base = new URL(script.src).origin;
  var lang = (script.dataset.lang || document.documentElement.lang || "").toLowerCase();
  var color = __COLOR__;
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = __LABEL__;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "citizen-desk-panel");
  button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483646;min-height:48px;" +
    "padding:0 18px;border:0;border-radius:24px;font:16px system-ui,sans-serif;color:#fff;" +
    "box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer;background:" + color;
  var panel = document.createElement("div");
  panel.id = "citizen-desk-panel";
  panel.hidden = true;
  panel.style.cssText = "position:fixed;right:16px;bottom:76px;z-index:2147483647;" +
    "width:min(400px,calc(100vw - 32px));height:min(640px,calc(100vh - 96px));" +
    "border-radius:12px;overflow:hidden;box-shadow:0 4px 24px rgba(0,0,0,.35);background:#fff";
  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.allow = "geolocation";  // "send my location" inside the panel
      var query = "embed=1" + (lang.indexOf("en") === 0 ? "&lang=en" : lang.indexOf("zh") === 0 ? "&lang=zh" : "");
      frame.src = base + "/chat?" + query;
      frame.title = __LABEL__;
      frame.style.cssText = "width:100%;height:100%;border:0";
      panel.appendChild(frame);
    }
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.textContent = __CLOSE__;
    frame.focus();
  }
  function close() {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.textContent = __LABEL__;
    button.focus();
  }
  button.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) close(); });
  function mount() { document.body.appendChild(panel); document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
