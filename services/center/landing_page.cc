#include "services/center/landing_page.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/web/script_json.h"

namespace qrcloud::center {
namespace {

constexpr char kPage[] = R"HTML(<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>点餐 Order</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:32rem;margin:auto}
h1{font-size:1.3rem;margin:.2rem 0}.table{color:#555;margin-bottom:1rem}
.item{display:flex;align-items:center;justify-content:space-between;padding:.6rem 0;border-bottom:1px solid #eee}
.item button{width:2.2rem;height:2.2rem;font-size:1.2rem}.q{display:inline-block;width:2rem;text-align:center}
.sold{color:#999}#send{width:100%;padding:.9rem;font-size:1.1rem;margin-top:1rem}
#status{margin-top:1rem}
</style></head><body>
<h1 id="merchant"></h1><div class="table" id="table"></div>
<div id="trying">正在连接店内网络… Looking for the shop's network…</div>
<div id="menu" hidden></div>
<button id="send" hidden>下单 Order</button>
<div id="status" role="status"></div>
<script type="application/json" id="data">%DATA%</script>
<script>
(function(){
var d=JSON.parse(document.getElementById('data').textContent);
var q={};
function el(t,text,cls){var e=document.createElement(t);if(text!==undefined)e.textContent=text;if(cls)e.className=cls;return e;}
function price(m){return '¥'+(Number(m)/100).toFixed(2);}
document.getElementById('merchant').textContent=d.merchantName;
document.getElementById('table').textContent=d.tableName;
function total(){var t=0,n=0;d.menu.forEach(function(i){t+=(q[i.id]||0)*Number(i.price);n+=q[i.id]||0;});
  var b=document.getElementById('send');b.textContent='下单 Order '+price(t);b.disabled=n===0;}
function showMenu(){
  document.getElementById('trying').hidden=true;
  var m=document.getElementById('menu');m.hidden=false;
  d.menu.forEach(function(i){
    var row=el('div',undefined,'item'+(i.soldOut?' sold':''));
    row.appendChild(el('span',i.name+' '+price(i.price)));
    var c=el('span');
    if(i.soldOut){c.textContent='售罄 Sold out';}else{
      var minus=el('button','−'),n=el('span','0','q'),plus=el('button','+');
      minus.onclick=function(){q[i.id]=Math.max(0,(q[i.id]||0)-1);n.textContent=q[i.id];total();};
      plus.onclick=function(){q[i.id]=Math.min(50,(q[i.id]||0)+1);n.textContent=q[i.id];total();};
      c.appendChild(minus);c.appendChild(n);c.appendChild(plus);}
    row.appendChild(c);m.appendChild(row);});
  var b=document.getElementById('send');b.hidden=false;total();
  var bytes=new Uint8Array(16);crypto.getRandomValues(bytes);
  var requestId=Array.prototype.map.call(bytes,function(x){return ('0'+x.toString(16)).slice(-2);}).join('');
  b.onclick=function(){
    var items=[];Object.keys(q).forEach(function(k){if(q[k]>0)items.push({menuItemId:k,quantity:q[k]});});
    b.disabled=true;var s=document.getElementById('status');s.textContent='…';
    fetch(d.orderUrl,{method:'POST',headers:{'content-type':'application/json'},
      body:JSON.stringify({token:d.token,requestId:requestId,items:items})})
    .then(function(r){return r.json().then(function(j){return {ok:r.ok,j:j};});})
    .then(function(r){
      if(r.ok){s.textContent='已下单 Ordered: '+r.j.order.id+' · '+price(r.j.order.total.minor);}
      else{s.textContent=r.j.message||'error';b.disabled=false;}})
    .catch(function(){s.textContent='网络错误 Network error, try again';b.disabled=false;});};
}
if(!d.lanUrl){showMenu();return;}
var done=false,ctl=window.AbortController?new AbortController():null;
var timer=setTimeout(function(){if(ctl)ctl.abort();if(!done){done=true;showMenu();}},1500);
fetch(d.lanProbe,{mode:'no-cors',cache:'no-store',signal:ctl?ctl.signal:undefined})
  .then(function(){if(done)return;done=true;clearTimeout(timer);location.replace(d.lanTarget);})
  .catch(function(){if(done)return;done=true;clearTimeout(timer);showMenu();});
})();
</script></body></html>
)HTML";

std::string MenuJson(const v1::LandingConfig& config) {
  std::vector<std::string> items;
  for (const v1::MenuItem& m : config.menu()) {
    web::ScriptJsonObject item;
    item.AddString("id", m.id())
        .AddString("name", m.name())
        .AddInt("price", m.price().minor())
        .AddBool("soldOut", m.sold_out());
    items.push_back(item.Json());
  }
  return absl::StrCat("[", absl::StrJoin(items, ","), "]");
}

}  // namespace

std::string LanTableUrl(absl::string_view lan_url, const v1::LandingTable& table) {
  return absl::StrCat(absl::StripSuffix(lan_url, "/"), "/t/", table.id(), "?k=", table.token());
}

std::string RenderTablePage(const TablePage& page) {
  web::ScriptJsonObject data;
  data.AddString("merchantName", page.config.merchant_name())
      .AddString("tableName", page.table.name())
      .AddString("token", page.table.token())
      .AddString("orderUrl", absl::StrCat("/v1/landing/nodes/", page.node_id, "/tables/",
                                          page.table.id(), "/orders"))
      .AddString("lanUrl", page.lan_url);
  if (!page.lan_url.empty()) {
    data.AddString("lanProbe", absl::StrCat(absl::StripSuffix(page.lan_url, "/"), "/v1/menu"))
        .AddString("lanTarget", LanTableUrl(page.lan_url, page.table));
  }
  // The menu array is spliced in as the last member.
  std::string json = data.Json();
  json.pop_back();
  absl::StrAppend(&json, ",\"menu\":", MenuJson(page.config), "}");
  std::string html = kPage;
  html.replace(html.find("%DATA%"), 6, json);
  return html;
}

}  // namespace qrcloud::center
