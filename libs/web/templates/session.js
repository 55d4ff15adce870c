// The session the pages share (docs/pages.md): the token in
// localStorage['qrcloud.token'] (kept in memory where storage is
// unavailable), REST calls under D.apiBase, and sign-in, which signs a new
// person up first. Used by order.js and me.js, inside page.js's scope.
var Session = (function () {
  var KEY = 'qrcloud.token', api = D.apiBase || '', memToken = null;

  function token() {
    try { return localStorage.getItem(KEY) || memToken; } catch (e) { return memToken; }
  }
  function setToken(t) {
    memToken = t;
    try { if (t) localStorage.setItem(KEY, t); else localStorage.removeItem(KEY); } catch (e) {}
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // Plain-http pages (a shop's LAN) have no randomUUID; build a v4 UUID.
    var b = crypto.getRandomValues(new Uint8Array(16)), h = '';
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  // fetch → {ok, status, data, message}; errors arrive as google.rpc.Status
  // JSON ({code, message}). `body` is sent as JSON unless undefined; the
  // bearer token only when `bearer` is given.
  async function call(method, path, body, bearer) {
    var headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (bearer) headers.Authorization = 'Bearer ' + bearer;
    var r, data = null;
    try {
      r = await fetch(api + path, {method: method, headers: headers,
                                   body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      return {ok: false, status: 0, message: T.network_error};
    }
    try { data = await r.json(); } catch (e) {}
    return {ok: r.ok, status: r.status, data: data,
            message: (data && data.message) || T.http_error + ' (HTTP ' + r.status + ')'};
  }
  // Signs in as a person, signing them up first if the login is new; the
  // answer of the last call made. The token is kept on success.
  async function signIn(login, password) {
    var r = await call('POST', '/v1/accounts', {kind: 'PERSON', login: login, password: password});
    // 409: the account exists already; signing in decides.
    if (!r.ok && r.status !== 409) return r;
    r = await call('POST', '/v1/sessions', {login: login, password: password});
    if (!r.ok || !r.data || !r.data.token) return {ok: false, status: r.status, message: r.message};
    setToken(r.data.token);
    return r;
  }

  return {api: api, token: token, setToken: setToken, uuid: uuid, call: call, signIn: signIn};
})();
