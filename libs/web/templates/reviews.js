// Campaign pages: the rating and the newest reviews, from the people's
// service through the API (GET /v1/campaigns/{id}/reviews, no sign-in
// needed). The section stays hidden when there are none or the call fails:
// the page works without it. Text goes in with textContent only.
(function () {
  var box = $('reviews');
  if (!box || !D.id || !D.reviews || !window.fetch) return;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function stars(n) {
    var r = Math.max(0, Math.min(5, n | 0));
    return '\u2605\u2605\u2605\u2605\u2605'.slice(0, r) + '\u2606\u2606\u2606\u2606\u2606'.slice(0, 5 - r);
  }
  var url = (D.apiBase || '') + '/v1/campaigns/' + encodeURIComponent(D.id) +
            '/reviews?page.pageSize=3';
  fetch(url, {credentials: 'omit', headers: {Accept: 'application/json'}})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.reviewCount) return;
      $('reviews-average').textContent =
          '\u2605 ' + ((data.averageRatingX100 || 0) / 100).toFixed(1);
      $('reviews-count').textContent = T.reviews_count.split('{n}').join(String(data.reviewCount));
      var list = $('reviews-list');
      (data.reviews || []).forEach(function (v) {
        if (v.state !== 'VISIBLE') return;
        var li = el('li', 'review');
        var head = el('p', 'review-head');
        head.appendChild(el('span', 'stars', stars(v.rating)));
        head.appendChild(document.createTextNode(' '));
        head.appendChild(el('strong', '', v.authorName || ''));
        if (v.verified) head.appendChild(el('span', 'badge', T.verified_purchase));
        li.appendChild(head);
        if (v.text) li.appendChild(el('p', 'review-text', v.text));
        if (v.reply) {
          var reply = el('p', 'review-reply');
          reply.appendChild(el('strong', '', T.merchant_reply + ': '));
          reply.appendChild(document.createTextNode(v.reply));
          li.appendChild(reply);
        }
        list.appendChild(li);
      });
      box.hidden = false;
    })
    .catch(function () {});
})();
