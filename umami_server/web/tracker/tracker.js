/*
 * The umami-server tracker: one <script> tag that reports page views, clicks and Web Vitals to
 * POST {host}/api/send in Umami 3.1's wire format (see shared spec tracker.md).
 *
 * This is the readable source. The server serves tracker.min.js, which `scripts/build-tracker`
 * makes from this file; a test fails when the two differ. Written for ES2019 browsers.
 */
((window, document) => {
  const script = document.currentScript;
  // Loaded as a module (no currentScript): there is no configuration to read, so stay inert.
  if (!script) return;

  const { location, navigator, history, performance } = window;
  const attribute = (name) => script.getAttribute('data-' + name);
  const isOn = (name) => attribute(name) == 'true';

  const website = attribute('website-id');
  const tag = attribute('tag') || undefined; // undefined drops out of the JSON; null would not
  const domains = attribute('domains');
  const beforeSend = attribute('before-send');
  const credentials = attribute('fetch-credentials') || 'omit';
  const excludeSearch = isOn('exclude-search');
  const excludeHash = isOn('exclude-hash');
  // The server rewrites the literal "/api/send" when COLLECT_API_ENDPOINT is set, and "./" to
  // "../" per folder when it serves this file under a nested TRACKER_SCRIPT_NAME, so that the
  // host derived from the script's own URL is always the server's root (BASE_PATH included).
  const endpoint =
    (attribute('host-url') || new URL('./', script.src).href).replace(/\/$/, '') + '/api/send';

  let cache; // the x-umami-cache token of the last response
  let serverDisabled; // the server answered {"disabled": true}: stop for this page's lifetime
  let identity; // set by identify(), sent as payload.id from then on
  let beforeNavigate = () => {}; // performance tracking flushes the old page's metrics here

  // Absolute URL without the excluded parts; empty and unparsable input come back unchanged.
  const normalize = (raw) => {
    try {
      if (raw) {
        const url = new URL(raw, location.href);
        if (excludeSearch) url.search = '';
        if (excludeHash) url.hash = '';
        raw = url.href;
      }
    } catch {}
    return raw;
  };

  let currentUrl = normalize(location.href);
  // A referrer from this site is no referrer (a prefix test, like Umami's).
  let currentRef = document.referrer.startsWith(location.origin) ? '' : normalize(document.referrer);

  // Checked at start and before every send, so a visitor can opt out without reloading.
  const disabled = () => {
    let optedOut;
    try {
      optedOut = localStorage.getItem('umami.disabled'); // throws on data: URLs
    } catch {}
    return (
      serverDisabled ||
      !website ||
      optedOut ||
      (domains && !domains.split(',').map((name) => name.trim()).includes(location.hostname)) ||
      (isOn('do-not-track') &&
        /^(1|yes)$/.test(window.doNotTrack || navigator.doNotTrack || navigator.msDoNotTrack))
    );
  };

  const defaults = () => ({
    website,
    screen: screen.width + 'x' + screen.height,
    language: navigator.language,
    title: document.title,
    hostname: location.hostname,
    url: currentUrl,
    referrer: currentRef,
    tag,
    id: identity,
  });

  // Resolves (to undefined) once the server answered or the request failed; never rejects, so a
  // tracked link click always navigates.
  const send = async (type, payload) => {
    if (disabled()) return;
    try {
      const hook = window[beforeSend];
      if (typeof hook == 'function') payload = await hook(type, payload);
      if (payload) {
        const headers = { 'Content-Type': 'application/json' };
        // After identify() the token is "" and is still sent: the server then starts afresh.
        if (cache != null) headers['x-umami-cache'] = cache;
        const reply = await (
          await fetch(endpoint, {
            method: 'POST',
            body: JSON.stringify({ type, payload }),
            headers,
            credentials,
            keepalive: true,
          })
        ).json();
        // Any JSON reply replaces the token: a bot or error answer has none, which clears it.
        if (reply) {
          serverDisabled = reply.disabled;
          cache = reply.cache;
        }
      }
    } catch {}
  };

  const track = (name, data) =>
    send(
      'event',
      typeof name == 'string'
        ? { ...defaults(), name, data }
        : typeof name == 'function'
          ? name(defaults())
          : name && typeof name == 'object'
            ? name // sent as given: the caller supplies website and everything else
            : defaults(),
    );

  const identify = (id, data) => {
    if (typeof id == 'string') identity = id;
    else data = id;
    cache = '';
    return send('identify', { ...defaults(), data });
  };

  // Clicks on elements with data-umami-event: the element itself, or its closest link or button.
  const onClick = (event) => {
    const target = event.target;
    if (!target.closest) return; // a click dispatched on document or window: no element
    const element = target.closest('a,button') || target;
    const name = element.getAttribute('data-umami-event');
    if (!name) return;
    const data = {};
    for (const { name: key, value } of element.attributes) {
      const match = key.match(/data-umami-event-([\w-]+)/);
      if (match) data[match[1]] = value;
    }
    if (element.tagName != 'A') return track(name, data);
    const href = element.href;
    if (!href) return;
    const external =
      element.target == '_blank' ||
      event.ctrlKey ||
      event.shiftKey ||
      event.metaKey ||
      event.button == 1;
    // A same-tab navigation would cancel the request: hold it until the server has answered.
    if (!external) event.preventDefault();
    track(name, data).then(
      () => external || ((element.target == '_top' ? top : window).location.href = href),
    );
  };

  // Single-page apps: a pushState/replaceState to a new URL is a new page view.
  const hookHistory = (method) => {
    const original = history[method];
    history[method] = (...args) => {
      const url = args[2];
      if (url) {
        beforeNavigate();
        currentRef = currentUrl;
        currentUrl = normalize(url);
        // The delay lets the app set the new page's title first.
        if (currentUrl != currentRef) setTimeout(track, 300);
      }
      return original.apply(history, args);
    };
  };

  // Web Vitals, one performance beacon per page view.
  const watchPerformance = () => {
    const navigation = performance.getEntriesByType('navigation')[0] || {};
    // Time spent prerendering before the visitor saw the page does not count.
    const since = (time) => Math.max(time - (navigation.activationStart || 0), 0);
    let firstPage = true;
    let sent, timer, start, lcp, cls, shiftWindow, shiftFirst, shiftLast, interactions;

    const newPage = () => {
      sent = lcp = shiftFirst = shiftLast = undefined;
      cls = shiftWindow = 0;
      interactions = {};
      start = performance.now();
      clearTimeout(timer);
      timer = setTimeout(flush, 1e4);
    };

    const flush = () => {
      if (sent) return;
      sent = 1;
      const durations = Object.values(interactions).sort((a, b) => b - a);
      const metrics = {
        lcp,
        cls,
        // The worst interaction, or the 98th percentile once there are 50 or more.
        inp: durations[Math.floor(durations.length / 50)],
        duration: Math.round(performance.now() - start),
      };
      if (firstPage) {
        // Both happen once per document, so the performance timeline still has them.
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        if (paint) metrics.fcp = since(paint.startTime);
        if (navigation.responseStart) metrics.ttfb = since(navigation.responseStart);
      }
      send('performance', { ...defaults(), ...metrics });
    };

    const observe = (type, handle, options) => {
      try {
        new PerformanceObserver((list) => list.getEntries().forEach(handle)).observe({
          type,
          buffered: true,
          ...options,
        });
      } catch {} // entry type not supported by this browser: that metric is simply missing
    };

    observe('largest-contentful-paint', (entry) => {
      lcp = since(entry.startTime);
    });
    // CLS is the largest burst of unexpected shifts: gaps under 1 s, at most 5 s long.
    observe('layout-shift', (entry) => {
      const time = entry.startTime;
      if (entry.hadRecentInput) return;
      if (time - shiftLast < 1e3 && time - shiftFirst < 5e3) shiftWindow += entry.value;
      else {
        shiftWindow = entry.value;
        shiftFirst = time;
      }
      shiftLast = time;
      cls = Math.max(cls, shiftWindow);
    });
    observe(
      'event',
      (entry) => {
        const id = entry.interactionId;
        if (id) interactions[id] = Math.max(interactions[id] || 0, entry.duration);
      },
      { durationThreshold: 40 },
    );

    addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', () => document.hidden && flush());
    beforeNavigate = () => {
      flush();
      firstPage = false;
      newPage();
    };
    newPage();
  };

  const init = () => {
    track();
    hookHistory('pushState');
    hookHistory('replaceState');
    document.addEventListener('click', onClick, true);
    if (isOn('performance')) watchPerformance();
  };

  if (!window.umami) window.umami = { track, identify, getSession: () => ({ cache, website }) };

  if (attribute('auto-track') != 'false' && !disabled()) {
    if (document.readyState == 'complete') init();
    // A deferred script runs while the document is "interactive": wait for "complete".
    else document.addEventListener('readystatechange', init, { once: true });
  }
})(window, document);
