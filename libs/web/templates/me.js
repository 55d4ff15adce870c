// A person's own pages (docs/pages.md, "A person's pages"): /me/wallet,
// /me/reminders and /me/feed. The page holds no personal data; this script
// signs the person in (session.js) and builds their data into the page from
// the REST API. Every value from the API reaches the DOM as text
// (textContent) or as an attribute of a URL checked here, never as markup.
(function () {
  var U = D.u, kind = D.page;
  var list = $('list'), more = $('more-button'), form = $('signin-form'), err = $('error');
  var status = $('status'), empty = $('empty'), signout = $('signout-button');
  var live = $('live-status');
  // The next page's token ('' when none), whether the first page is in,
  // what is shown (by id), whether a call is in flight, and the reminder
  // watch (its AbortController).
  var next = '', loadedOnce = false, shown = {}, busy = false, watching = null, retries = 0, uid = 0;

  // ---- Text ----------------------------------------------------------------

  // `el` with `key`'s text in the page's language, then the other language
  // in <span class="alt" lang>, as the server renders UI strings. "{n}" is
  // replaced by `n`.
  function ui(el, key, n) {
    var pair = U[key], fill = function (s) { return n === undefined ? s : s.split('{n}').join(n); };
    el.textContent = fill(pair.t);
    var alt = document.createElement('span');
    alt.className = 'alt';
    alt.lang = D.altLang;
    alt.textContent = fill(pair.s);
    el.appendChild(alt);
    return el;
  }
  // "page language / other", for attributes and status messages.
  function both(key, n) {
    var pair = U[key], fill = function (s) { return n === undefined ? s : s.split('{n}').join(n); };
    return fill(pair.t) + ' / ' + fill(pair.s);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function testid(e, id) { e.setAttribute('data-testid', id); return e; }
  // China time (UTC+8), as the campaign pages show times.
  function timeEl(iso) {
    var t = document.createElement('time'), ms = Date.parse(iso);
    if (isNaN(ms)) return t;
    t.dateTime = iso;
    t.textContent = new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
    return t;
  }
  function badge(validity) {
    var v = String(validity || 'VALIDITY_UNSPECIFIED'), key = 'validity_' + v.toLowerCase();
    var b = testid(el('span', 'badge v-' + v.replace(/[^A-Z_]/g, '')), 'validity');
    b.setAttribute('data-validity', v);
    return U[key] ? ui(b, key) : (b.textContent = v, b);
  }

  // ---- URLs from the API ---------------------------------------------------

  // An http(s) URL, or null (javascript:, data: and the rest are dropped).
  function webUrl(u) {
    try {
      var x = new URL(String(u));
      return x.protocol === 'https:' || x.protocol === 'http:' ? x.href : null;
    } catch (e) { return null; }
  }
  // A platform image (/media/<id> on this origin or the platform's), or null.
  function mediaUrl(u) {
    try {
      var x = new URL(String(u), location.href);
      var own = x.origin === location.origin || (D.mediaOrigin && x.origin === D.mediaOrigin);
      return (x.protocol === 'https:' || x.protocol === 'http:') && own &&
             /^\/media\/[A-Za-z0-9_-]+$/.test(x.pathname) ? x.href : null;
    } catch (e) { return null; }
  }

  // ---- Status, sign-in, calls ---------------------------------------------

  function showError(m) { err.textContent = m || ''; }
  function say(m) { status.textContent = m || ''; }
  function signedIn(on) {
    form.hidden = on;
    signout.hidden = !on;
  }
  // A call with the person's token. A 401 means the session is gone: the
  // sign-in form comes back and the answer is null.
  async function call(method, path, body) {
    var r = await Session.call(method, path, body, Session.token());
    if (r.status === 401) {
      signedOut();
      showError(r.message);
      return null;
    }
    return r;
  }
  function signedOut() {
    Session.setToken(null);
    stopWatch();
    list.textContent = '';
    shown = {};
    next = '';
    loadedOnce = false;
    more.hidden = true;
    empty.hidden = true;
    if (live) live.hidden = true;
    signedIn(false);
    say(T.signin_needed);
  }

  // ---- Lists ---------------------------------------------------------------

  var sources = {
    wallet: {path: '/v1/me/wallet', field: 'items', render: walletItem},
    reminders: {path: '/v1/me/reminders', field: 'reminders', render: reminderItem},
    feed: {path: '/v1/me/feed', field: 'shares', render: shareItem},
  };
  var PAGE_SIZE = 20;

  function add(item, first) {
    if (!item || !item.id || shown[item.id]) return null;
    var li = sources[kind].render(item);
    li.setAttribute('data-id', item.id);
    shown[item.id] = li;
    if (first) list.prepend(li); else list.appendChild(li);
    empty.hidden = true;
    return li;
  }
  function showEmpty() { empty.hidden = list.children.length > 0; }

  // Loads a page of the list: the next one when `moreOf`, else the first.
  // The first page loaded again (after the reminder watch reconnects) only
  // adds what is not shown yet, on top, newest first.
  async function load(moreOf) {
    if (busy) return;
    busy = true;
    more.disabled = true;
    list.setAttribute('aria-busy', 'true');
    showError('');
    if (!loadedOnce) say(T.loading);
    try {
      var src = sources[kind], q = '?page.pageSize=' + PAGE_SIZE;
      if (moreOf && next) q += '&page.pageToken=' + encodeURIComponent(next);
      var r = await call('GET', src.path + q);
      if (!r) return;
      say('');
      if (!r.ok) return showError(r.message);
      var items = (r.data && r.data[src.field]) || [];
      if (moreOf || !loadedOnce) {
        items.forEach(function (it) { add(it, false); });
        next = (r.data && r.data.page && r.data.page.nextPageToken) || '';
        loadedOnce = true;
      } else {
        for (var i = items.length - 1; i >= 0; i--) add(items[i], true);
      }
      more.hidden = !next;
      showEmpty();
    } finally {
      busy = false;
      more.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  }

  // ---- Wallet --------------------------------------------------------------

  function walletItem(it) {
    var li = testid(el('li', 'card'), 'wallet-item');
    var row = el('p', 'row');
    row.appendChild(badge(it.validity));
    row.appendChild(ui(el('span', 'kind'), it.kind === 'RECEIPT' ? 'kind_receipt' : 'kind_offer'));
    if (it.category) row.appendChild(testid(el('span', 'chip', it.category), 'category'));
    li.appendChild(row);
    var h = testid(el('h2', 'title'), 'title'), href = webUrl(it.pageUrl);
    if (href) {
      var a = el('a', null, it.title || '');
      a.href = href;
      h.appendChild(a);
    } else {
      h.textContent = it.title || '';
    }
    li.appendChild(h);
    if (it.merchantName) li.appendChild(el('p', 'meta', it.merchantName));
    if (it.expireTime) {
      var when = ui(el('p', 'meta'), 'expires');
      when.appendChild(document.createTextNode(' '));
      when.appendChild(timeEl(it.expireTime));
      li.appendChild(when);
    }
    var actions = el('p', 'actions');
    var rm = testid(ui(el('button', 'ghost'), 'remove'), 'remove-button');
    rm.type = 'button';
    rm.setAttribute('aria-label', both('remove_item', it.title || ''));
    rm.addEventListener('click', function () { remove(it, li, rm); });
    actions.appendChild(rm);
    li.appendChild(actions);
    return li;
  }

  async function remove(it, li, button) {
    button.disabled = true;
    showError('');
    var r = await call('DELETE', '/v1/me/wallet/' + encodeURIComponent(it.id));
    if (!r) return;
    if (!r.ok && r.status !== 404) {  // 404: gone already
      button.disabled = false;
      return showError(r.message);
    }
    delete shown[it.id];
    li.remove();
    say(T.removed);
    showEmpty();
  }

  // ---- Reminders -----------------------------------------------------------

  function reminderItem(rm) {
    var li = testid(el('li', 'card'), 'reminder');
    li.setAttribute('data-validity', String(rm.validity || ''));
    var row = el('p', 'row');
    row.appendChild(badge(rm.validity));
    if (rm.time) row.appendChild(timeEl(rm.time));
    li.appendChild(row);
    li.appendChild(testid(el('h2', 'title', rm.title || ''), 'title'));
    if (rm.message) li.appendChild(testid(el('p', 'text', rm.message), 'message'));
    return li;
  }

  function stopWatch() {
    if (watching) watching.abort();
    watching = null;
  }
  // New reminders as they happen: GET /v1/me/reminders:watch answers
  // newline-delimited JSON ({"result": reminder} a line, {"error": status}
  // last if it fails). The gateway sends the answer's head with the first
  // reminder, so the fetch resolves only then. When the stream ends (the
  // gateway's stream limit, a restart), it is opened again after a pause
  // that grows to 30 s, and the list catches up with what was missed.
  async function watch() {
    var ctl = new AbortController(), token = Session.token();
    watching = ctl;
    live.hidden = false;
    try {
      var r = await fetch(Session.api + '/v1/me/reminders:watch',
                          {headers: {Authorization: 'Bearer ' + token}, signal: ctl.signal});
      if (r.status === 401) return signedOut();
      if (r.status === 403) {  // not a person's session: no reminders to watch
        stopWatch();
        live.hidden = true;
        return;
      }
      if (r.ok && r.body) {
        retries = 0;
        var reader = r.body.getReader(), text = new TextDecoder(), buf = '';
        for (;;) {
          var part = await reader.read();
          if (part.done) break;
          buf += text.decode(part.value, {stream: true});
          for (var nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
            var line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) onWatchLine(line);
          }
        }
      }
    } catch (e) {
      if (ctl.signal.aborted) return;
    }
    if (watching !== ctl) return;  // stopped, or signed out
    live.hidden = true;
    say(T.live_retry);
    var wait = Math.min(30000, 1000 * Math.pow(2, retries++));
    setTimeout(function () {
      if (watching !== ctl) return;
      watch();
      load(false).then(function () { if (status.textContent === T.live_retry) say(''); });
    }, wait);
  }
  function onWatchLine(line) {
    var msg;
    try { msg = JSON.parse(line); } catch (e) { return; }
    if (msg.result) {
      var li = add(msg.result, true);
      if (li) {
        li.classList.add('new');
        say(T.new_reminder + ': ' + (msg.result.title || ''));
      }
    } else if (msg.error) {
      showError(msg.error.message || T.http_error);
    }
  }

  // ---- Feed ----------------------------------------------------------------

  function shareItem(sh) {
    var li = testid(el('li', 'card share'), 'share');
    var by = el('p', 'row');
    by.appendChild(testid(el('strong', 'author', sh.authorName || both('someone')), 'author'));
    if (sh.createTime) by.appendChild(timeEl(sh.createTime));
    li.appendChild(by);
    if (sh.state === 'PENDING' || sh.state === 'REJECTED') {
      var note = ui(el('p', 'note'), sh.state === 'PENDING' ? 'review_pending' : 'review_rejected');
      (sh.rejectionReasons || []).forEach(function (reason) {
        note.appendChild(el('span', 'reason', reason));
      });
      li.appendChild(note);
    }
    if (sh.text) li.appendChild(testid(el('p', 'text', sh.text), 'share-text'));
    var links = el('ul', 'links');
    (sh.links || []).forEach(function (u) {
      var href = webUrl(u);
      if (!href) return;
      var a = testid(el('a', null, u), 'share-link');
      a.href = href;
      a.rel = 'noopener nofollow';
      var item = el('li');
      item.appendChild(a);
      links.appendChild(item);
    });
    if (links.children.length) li.appendChild(links);
    var photos = el('div', 'photos'), n = 0;
    (sh.imageUrls || []).forEach(function (u) {
      var src = mediaUrl(u);
      if (!src) return;
      var img = testid(document.createElement('img'), 'share-image');
      img.src = src;
      img.alt = both('photo_n', ++n);
      img.loading = 'lazy';
      photos.appendChild(img);
    });
    if (n) li.appendChild(photos);
    if (sh.visible || sh.state === 'VISIBLE') li.appendChild(comments(sh));
    return li;
  }

  // The comment count as a button that opens the comments and a form to add one.
  function comments(sh) {
    var box = el('div', 'discussion'), id = 'c' + (++uid), count = sh.commentCount || 0;
    var toggle = testid(ui(el('button', 'ghost'), 'comments_n', count), 'comments-button');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', id);
    var section = el('section', 'comments');
    section.id = id;
    section.hidden = true;
    section.setAttribute('aria-label', both('comments_n', count));
    var items = testid(el('ul'), 'comment-list');
    var f = el('form', 'comment-form');
    var label = ui(el('label'), 'comment_label');
    var input = testid(el('input'), 'comment-input');
    input.id = id + '-text';
    label.htmlFor = input.id;
    input.maxLength = 500;
    input.required = true;
    var send = testid(ui(el('button', 'btn primary'), 'comment_send'), 'comment-send');
    send.type = 'submit';
    f.appendChild(label);
    f.appendChild(input);
    f.appendChild(send);
    section.appendChild(items);
    section.appendChild(f);
    box.appendChild(toggle);
    box.appendChild(section);

    var loaded = false;
    function comment(c) {
      var row = testid(el('li', 'comment'), 'comment');
      row.appendChild(el('strong', 'author', c.authorName || both('someone')));
      row.appendChild(document.createTextNode(' '));
      row.appendChild(el('span', 'text', c.text || ''));
      items.appendChild(row);
    }
    function recount(k) {
      count = k;
      ui(toggle, 'comments_n', count);
      section.setAttribute('aria-label', both('comments_n', count));
    }
    toggle.addEventListener('click', async function () {
      var open = section.hidden;
      section.hidden = !open;
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      if (!open || loaded) return;
      var r = await call('GET', '/v1/shares/' + encodeURIComponent(sh.id) + '/comments?page.pageSize=100');
      if (!r) return;
      if (!r.ok) return showError(r.message);
      loaded = true;
      var got = (r.data && r.data.comments) || [];
      got.forEach(comment);
      if (!got.length) items.appendChild(testid(ui(el('li', 'note'), 'no_comments'), 'no-comments'));
    });
    f.addEventListener('submit', async function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text || send.disabled) return;
      send.disabled = true;
      showError('');
      try {
        var r = await call('POST', '/v1/shares/' + encodeURIComponent(sh.id) + '/comments',
                           {text: text, requestId: Session.uuid()});
        if (!r) return;
        if (!r.ok) return showError(r.message);
        var none = items.querySelector('[data-testid="no-comments"]');
        if (none) none.remove();
        comment(r.data || {text: text});
        input.value = '';
        recount(count + 1);
      } finally {
        send.disabled = false;
      }
    });
    return box;
  }

  // ---- Start ---------------------------------------------------------------

  function start() {
    signedIn(true);
    // The watch first: it reports what happens from the moment it is open,
    // and the list then shows what happened before.
    if (kind === 'reminders') watch();
    load(false);
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    var login = $('login').value.trim(), password = $('password').value;
    showError('');
    $('signin-button').disabled = true;
    try {
      var r = await Session.signIn(login, password);
      if (!r.ok) return showError(r.message);
      $('password').value = '';
      say('');
      start();
    } finally {
      $('signin-button').disabled = false;
    }
  });
  signout.addEventListener('click', async function () {
    var token = Session.token();
    signedOut();
    if (token) await Session.call('DELETE', '/v1/sessions/current', undefined, token);
  });
  more.addEventListener('click', function () { load(true); });

  if (Session.token()) {
    start();
  } else {
    signedOut();
  }
})();
