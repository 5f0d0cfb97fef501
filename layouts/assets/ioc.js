/* Browser side of the IOC dashboard: the live poll, the header's clock and freshness, slide rotation,
   deadline countdowns. Everything here runs without the server: only poll() talks to it, and only to
   the dashboard's own /api/v1/health. */
(function () {
  "use strict";
  var noUpdate = function () { return window.dash_clientside.no_update; };
  var pages = {};  // per page prefix: in-flight flag, last good poll, busy since, down since

  function page(cfg) {
    var key = cfg.url + "|" + (cfg.page || "");
    if (!pages[key]) { pages[key] = {inflight: false, lastOk: null, lastBody: null, busySince: null, downSince: null, t0: Date.now()}; }
    return pages[key];
  }

  function fill(message, values) {
    return String(message).replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }

  function number(value, cfg) {
    return new Intl.NumberFormat(cfg.msgs._locale, {maximumFractionDigits: 0}).format(value);
  }

  function span(seconds, cfg) {
    var m = cfg.msgs, s = Math.max(0, Math.floor(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), mi = Math.floor((s % 3600) / 60);
    if (d) { return fill(m["unit.days"], {n: d}) + (h ? " " + fill(m["unit.hours"], {n: h}) : ""); }
    if (h) { return fill(m["unit.hours"], {n: h}) + (mi ? " " + fill(m["unit.minutes"], {n: mi}) : ""); }
    if (mi) { return fill(m["unit.minutes"], {n: mi}); }
    return fill(m["unit.seconds"], {n: s % 60});
  }

  function timeText(date, cfg, withSeconds) {
    var opts = {timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", hour12: cfg.lang === "en"};
    if (withSeconds) { opts.second = "2-digit"; }
    return new Intl.DateTimeFormat(cfg.msgs._locale, opts).format(date);
  }

  function dateText(date, cfg) {
    var opts = cfg.lang === "vi"
      ? {timeZone: "Asia/Ho_Chi_Minh", weekday: "long", day: "2-digit", month: "2-digit", year: "numeric"}
      : {timeZone: "Asia/Ho_Chi_Minh", weekday: "long", day: "numeric", month: "short", year: "numeric"};
    return new Intl.DateTimeFormat(cfg.msgs._locale, opts).format(date);
  }

  function streamAges(health) {
    /* Ages now: the server's ages plus the time since the answer arrived. */
    var out = {};
    if (!health || !health.body) { return out; }
    var extra = (Date.now() - health.receivedAt) / 1000;
    health.body.streams.forEach(function (s) {
      out[s.family] = {age: s.age_s === null ? null : s.age_s + extra, amber: s.amber_s, red: s.red_s, lag: s.lag};
    });
    return out;
  }

  function set(id, prop, value) {
    var el = document.getElementById(id);
    if (el && el[prop] !== value) { el[prop] = value; }
  }

  function header(cfg) {
    /* Clock, date, one pill per stream (ok / amber / red with its age), connection and stale banner. */
    var m = cfg.msgs, now = new Date(), st = page(cfg), ids = cfg.ids;
    var ages = streamAges(st.lastBody);
    var silent = [];
    cfg.families.forEach(function (f) {
      var s = ages[f], level = "unknown", text = "…", title = m["family." + f];
      if (s) {
        level = s.age === null || s.age > s.red ? "red" : (s.age > s.amber ? "amber" : "ok");
        text = s.age === null ? m["health.never"] : span(s.age, cfg);
        title += " · " + fill(m["unit.ago"], {span: text});
        if (s.lag !== null && s.lag !== undefined) {
          title += " · " + m["health.lag"] + " " + number(s.lag, cfg);
          if (s.lag > 0) { text += " · " + m["health.lag"] + " " + number(s.lag, cfg); }
        }
        if (level === "red") { silent.push(m["family." + f] + " (" + text + ")"); }
      }
      set(ids.pills[f], "className", "stream-pill " + level);
      set(ids.pills[f], "title", title);
      set(ids.pills[f] + "-age", "textContent", text);
    });
    var offline = st.downSince !== null;
    var sinceOk = st.lastOk ? (Date.now() - st.lastOk) / 1000 : null;
    set(ids.conn, "className", "conn " + (offline ? "offline" : "online"));
    set(ids.conn, "textContent", offline
      ? m["health.offline"] + (st.lastOk ? " · " + fill(m["health.last_heard"], {time: timeText(new Date(st.lastOk), cfg, true), span: span(sinceOk, cfg)}) : "")
      : (st.lastOk ? fill(m["health.updated"], {span: span(sinceOk, cfg)}) : "…"));
    var bannerClass = "stale-banner hidden", bannerText = "";
    var downFor = offline ? Date.now() - st.downSince : 0;
    if (downFor > cfg.offline_after_ms) {
      bannerClass = "stale-banner shown offline";
      bannerText = fill(m["health.offline_banner"], {time: st.lastOk ? timeText(new Date(st.lastOk), cfg, true) : "—"});
    } else if (silent.length) {
      bannerClass = "stale-banner shown";
      bannerText = fill(m["health.stale_banner"], {streams: silent.join(", ")});
    }
    set(ids.banner, "className", bannerClass);
    set(ids.banner, "textContent", bannerText);
    set(ids.clock, "textContent", timeText(now, cfg, true));
    set(ids.date, "textContent", dateText(now, cfg));
    document.documentElement.classList.toggle("is-stale", bannerClass.indexOf("shown") >= 0);
  }

  async function fetchHealth(cfg, st) {
    /* One poll of the health endpoint; a moved token goes to the page's stores: at once to the cheap
       callbacks' one, to the heavy callbacks' one unless they are still busy with the previous token. */
    var started = Date.now();
    st.inflight = true;
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, cfg.timeout_ms);
    try {
      var res = await fetch(cfg.url, {cache: "no-store", signal: controller.signal, credentials: "same-origin"});
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      var body = await res.json();
      st.lastOk = Date.now();
      st.lastBody = {body: body, receivedAt: st.lastOk};
      var recovered = st.downSince !== null;
      st.downSince = null;
      var token = {token: body.token, at: st.lastOk};
      var blocked = st.busySince !== null && started - st.busySince < cfg.busy_grace_ms;
      var live = (st.live !== body.token || recovered) && !blocked;
      // A page whose heavy callback refreshes the cheap parts too (fast_in_live) sends one request per
      // update; the fast token only moves alone while the heavy callback is busy.
      if ((st.fast !== body.token || recovered) && !(live && cfg.fast_in_live)) {
        st.fast = body.token;
        window.dash_clientside.set_props(cfg.ids.fast, {data: token});
      }
      if (live) {
        st.live = body.token;
        if (cfg.fast_in_live) { st.fast = body.token; }
        window.dash_clientside.set_props(cfg.ids.live, {data: token});
      }
    } catch (err) {
      st.downSince = st.downSince || started;
    } finally {
      clearTimeout(timer);
      st.inflight = false;
      header(cfg);
      // For whoever watches the page (tests, kiosk scripts): one event per poll, ok or not.
      document.dispatchEvent(new CustomEvent("ioc:poll", {detail: {page: cfg.page || "", ok: st.downSince === null}}));
    }
  }

  var SKIP = {children: 1, n_clicks: 1, n_clicks_timestamp: 1, disable_n_clicks: 1, key: 1, loading_state: 1};

  function build(node) {
    /* DOM for a tree of html.* components as Dash serialises them ({type, namespace, props}). Text goes
       in as text nodes, never as markup: citizen text stays escaped by construction. */
    if (node === null || node === undefined || node === false) { return null; }
    if (typeof node === "string" || typeof node === "number") { return document.createTextNode(String(node)); }
    if (Array.isArray(node)) {
      var frag = document.createDocumentFragment();
      node.forEach(function (n) { var c = build(n); if (c) { frag.appendChild(c); } });
      return frag;
    }
    if (node.namespace !== "dash_html_components") { throw new Error("ioc.paint: not an html component: " + node.type); }
    var el = document.createElement(node.type.toLowerCase()), props = node.props || {};
    Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (SKIP[k] || v === null || v === undefined || v === false) { return; }
      if (k === "className") { el.className = v; }
      else if (k === "style") { Object.keys(v).forEach(function (s) { el.style[s] = v[s]; }); }
      else { el.setAttribute(k, v === true ? "" : v); }
    });
    var children = build(props.children);
    if (children) { el.appendChild(children); }
    return el;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    ioc: {
      paint: function (tree, id) {
        /* Draw a read-only list (cards, ticker, alerts, bars) from its store. As Dash components, the
           hundreds of elements would each be re-checked by the renderer on every update of the page. */
        var el = document.getElementById(id);
        if (el && tree !== undefined && tree !== null) { el.replaceChildren(build(tree)); }
        return noUpdate();
      },

      poll: function (n, live, fast, busy, cfg) {
        /* Every tick: redraw the header, and start a fetch of the health answer unless one is under way.
           The fetch hands a moved change token to the page's callbacks itself (set_props), so an answer
           slower than a tick is delivered too: returned from this callback, Dash would drop it when the
           next tick starts the callback again. */
        var st = page(cfg), now = Date.now();
        if (st.live === undefined) { st.live = live && live.token; st.fast = fast && fast.token; }
        st.busySince = busy ? (st.busySince || now) : null;
        header(cfg);
        if (!st.inflight) { fetchHealth(cfg, st); }
        return [noUpdate(), noUpdate()];
      },

      rotate: function (n, cfg, count) {
        /* Which slide shows now: the next one once the current one has had its seconds (from the URL or
           settings). Counted per slide, not on a fixed timetable: a busy screen stretches a slide, never skips one. */
        var st = page(cfg), durations = cfg.durations, now = Date.now(), i;
        if (st.slide === undefined) { st.slide = 0; st.since = now; }
        if (now - st.since >= durations[st.slide] * 1000) {
          st.slide = (st.slide + 1) % durations.length;
          st.since = now;
        }
        var classes = [], dots = [];
        for (i = 0; i < durations.length; i++) {
          classes.push("slide" + (i === st.slide ? " active" : ""));
          dots.push("dot" + (i === st.slide ? " active" : ""));
        }
        return [classes, dots, st.slide];
      },

      countdowns: function (n, cfg) {
        /* Deadline countdowns of the work queues, every second, from their data-due attribute. */
        var m = cfg.msgs, now = Date.now();
        document.querySelectorAll("[data-due]").forEach(function (el) {
          var left = (Date.parse(el.getAttribute("data-due")) - now) / 1000;
          el.setAttribute("data-left", fill(left >= 0 ? m["unit.left"] : m["unit.late"], {span: span(Math.abs(left), cfg)}));
          el.classList.toggle("late", left < 0);
        });
        return noUpdate();
      },

      fly: function (view, graphId) {
        /* A selected commune: fly the map there (Plotly keeps the user's view, so move MapLibre itself). */
        var gd = document.querySelector("#" + graphId + " .js-plotly-plot");
        var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        if (sub && sub.map && view && view.target) {
          sub.map.flyTo({center: [view.target[1], view.target[0]], zoom: view.target[2], duration: 900});
        }
        return noUpdate();
      },

      viewport: function (pathname) {
        /* The screen's size, so that wall-screen charts scale their type from 1080p to 4K. */
        return {w: window.innerWidth, h: window.innerHeight};
      }
    }
  });
})();
