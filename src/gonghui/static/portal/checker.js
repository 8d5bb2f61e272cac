/* Offline check of an e-card QR: verify the Ed25519 signature with the federation's public key
 * (WebCrypto; Chromium, Firefox and Safari ship Ed25519), then the expiry. Shows only what the
 * token carries: masked name, union, valid or not. Text enters the page through textContent. */
(function () {
  "use strict";
  function b64(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function tokenOf(text) {
    var t = (text || "").trim();
    var m = t.match(/\/me\/check\/([^/]+)\/?$/);
    return m ? decodeURIComponent(m[1]) : t;
  }
  function show(box, ok, lines) {
    box.textContent = "";
    var h = document.createElement("p");
    h.className = "big " + (ok ? "ok" : "bad");
    h.id = "offline-result";
    h.textContent = ok ? "有效" : "无效";
    box.appendChild(h);
    lines.forEach(function (l) { var p = document.createElement("p"); p.textContent = l; box.appendChild(p); });
  }
  async function verify(root) {
    var box = document.getElementById("verdict");
    var token = tokenOf(document.getElementById("token").value);
    var parts = token.split(".");
    if (parts.length !== 2) { show(box, false, ["二维码内容不正确。"]); return; }
    try {
      var key = await crypto.subtle.importKey("raw", b64(root.getAttribute("data-key")), { name: "Ed25519" }, false, ["verify"]);
      var data = b64(parts[0]);
      var good = await crypto.subtle.verify({ name: "Ed25519" }, key, b64(parts[1]), data);
      if (!good) { show(box, false, ["签名不符：不是本总工会签发的会员证。"]); return; }
      var payload = JSON.parse(new TextDecoder().decode(data));
      var who = ["持证人：" + payload.n, "工会：" + payload.u];
      if (payload.exp * 1000 < Date.now()) { show(box, false, ["二维码已过期（可能是截图）。"].concat(who)); return; }
      show(box, true, who);
    } catch (err) {
      show(box, false, ["本浏览器不支持离线核验（Ed25519），请联网扫码核验。"]);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("checker");
    if (!root) { return; }
    document.getElementById("verify").addEventListener("click", function () { verify(root); });
    if ("BarcodeDetector" in window && navigator.mediaDevices) {
      var scan = document.getElementById("scan");
      scan.hidden = false;
      scan.addEventListener("click", async function () {
        var video = document.getElementById("camera");
        video.hidden = false;
        var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        video.srcObject = stream;
        await video.play();
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        var timer = setInterval(async function () {
          var codes = await detector.detect(video);
          if (codes.length) {
            clearInterval(timer);
            stream.getTracks().forEach(function (t) { t.stop(); });
            video.hidden = true;
            document.getElementById("token").value = codes[0].rawValue;
            verify(root);
          }
        }, 300);
      });
    }
  });
})();
