// Shared by every page: reads the page data and wires the share button.
// The order flow (order.js) follows on ORDER pages, inside this same scope.
'use strict';
var D = JSON.parse(document.getElementById('page-data').textContent);
var T = D.t;
function $(id) { return document.getElementById(id); }
(function () {
  var share = $('share-button');
  if (!share || !D.url || !(navigator.share || navigator.clipboard)) return;
  share.hidden = false;
  share.addEventListener('click', function () {
    if (navigator.share) {
      navigator.share({title: D.title, url: D.url}).catch(function () {});
      return;
    }
    navigator.clipboard.writeText(D.url).then(function () {
      $('share-status').textContent = T.link_copied;
    }, function () {});
  });
})();
