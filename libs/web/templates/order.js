// The order flow of ORDER pages (docs/pages.md): sign-in, quantity, location
// when fenced, POST /v1/campaigns/{id}/orders, and the receipt.
(function () {
  var api = Session.api;
  var btn = $('order-button'), qty = $('quantity'), err = $('error'), loc = $('location-status');
  var form = $('signin-form'), signed = $('signed-in');
  // One id per order attempt: kept while the outcome is unknown (network
  // failure, 5xx) so a retry cannot order twice, dropped once the server has
  // answered for certain or the request changes.
  var requestId = null, pending = false, busy = false;

  function showError(m) { err.textContent = m || ''; }
  function showSignin(on) {
    form.hidden = !on;
    signed.hidden = on;
  }
  function setBusy(on) {
    busy = on;
    btn.disabled = on || D.soldOut;
    btn.setAttribute('aria-busy', on ? 'true' : 'false');
    $('signin-button').disabled = on;
  }

  // Quantity: 1..D.max (the per-person limit or stock left).
  function quantity() {
    var n = parseInt(qty.value, 10);
    n = isNaN(n) ? 1 : Math.min(Math.max(n, 1), D.max);
    qty.value = n;
    return n;
  }
  function step(d) {
    qty.value = (parseInt(qty.value, 10) || 1) + d;
    quantity();
    requestId = null;
  }
  $('qty-dec').addEventListener('click', function () { step(-1); });
  $('qty-inc').addEventListener('click', function () { step(1); });
  qty.addEventListener('change', function () { quantity(); requestId = null; });

  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) {
        loc.textContent = T.location_unsupported;
        return resolve(null);
      }
      loc.textContent = T.locating;
      navigator.geolocation.getCurrentPosition(function (p) {
        loc.textContent = T.location_ok;
        resolve({lat: p.coords.latitude, lng: p.coords.longitude});
      }, function (e) {
        loc.textContent = e.code === 1 ? T.location_denied : T.location_unavailable;
        resolve(null);
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }

  async function showReceipt(order, token) {
    var rc = order.receipt || {}, box = $('receipt');
    $('receipt-number').textContent = rc.number || '';
    var old = $('receipt-qr');
    if (old) old.remove();
    box.hidden = false;
    box.focus();
    if (!rc.imageUrl) return;
    var img = document.createElement('img');
    img.id = 'receipt-qr';
    img.setAttribute('data-testid', 'receipt-qr');
    img.alt = T.receipt_qr + (rc.number ? ' ' + rc.number : '');
    img.width = img.height = 240;
    var own = rc.imageUrl.charAt(0) === '/' || (api && rc.imageUrl.indexOf(api + '/') === 0);
    try {
      if (own) {
        // The receipt image needs the bearer token, so no plain <img src>.
        var r = await fetch(rc.imageUrl.charAt(0) === '/' ? api + rc.imageUrl : rc.imageUrl,
                            {headers: {Authorization: 'Bearer ' + token}});
        if (!r.ok) throw new Error('HTTP ' + r.status);
        img.src = URL.createObjectURL(await r.blob());
      } else {
        img.src = rc.imageUrl;
      }
      $('receipt-number').after(img);
    } catch (e) {
      showError(T.qr_failed);
    }
  }

  async function order() {
    if (busy || D.soldOut) return;
    showError('');
    var token = Session.token();
    if (!token) {
      pending = true;
      showSignin(true);
      showError(T.signin_needed);
      $('login').focus();
      return;
    }
    setBusy(true);
    var label = btn.innerHTML;
    btn.textContent = T.ordering;
    try {
      var body = {requestId: requestId || (requestId = Session.uuid()), quantity: quantity()};
      if (D.fence) {
        var at = await locate();
        if (!at) return;
        body.location = at;
      }
      var r = await Session.call('POST', '/v1/campaigns/' + encodeURIComponent(D.id) + '/orders', body, token);
      if (r.ok && r.data && r.data.order) {
        requestId = null;
        await showReceipt(r.data.order, token);
        return;
      }
      // Only an unanswered request (network, 5xx, 429) may have been applied.
      if (r.status >= 400 && r.status < 500 && r.status !== 429) requestId = null;
      if (r.status === 401) {
        Session.setToken(null);
        pending = true;
        showSignin(true);
      }
      showError(r.message);
    } finally {
      btn.innerHTML = label;
      setBusy(false);
    }
  }

  async function signIn(e) {
    e.preventDefault();
    if (busy) return;
    var login = $('login').value.trim(), password = $('password').value;
    showError('');
    setBusy(true);
    try {
      var r = await Session.signIn(login, password);
      if (!r.ok) return showError(r.message);
      $('password').value = '';
      showSignin(false);
    } finally {
      setBusy(false);
    }
    if (pending) {
      pending = false;
      order();
    }
  }

  btn.addEventListener('click', order);
  form.addEventListener('submit', signIn);
  showSignin(!Session.token());
  quantity();
})();
