#include "services/landing/lan_front.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "libs/core/encoding.h"
#include "libs/core/fast_json.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/core/validate.h"

namespace qrcloud::landing {
namespace {

constexpr absl::string_view kJson = "application/json";

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

http::Response Json(int status, const google::protobuf::Message& m) {
  return {.status = status,
          .headers = {{"content-type", std::string(kJson)}, {"cache-control", "no-store"}},
          .body = ToJson(m)};
}

http::Response Error(const absl::Status& s) {
  http::Response r = Json(core::HttpStatusFor(s.code()), core::ToRpcStatus(s));
  if (s.code() == absl::StatusCode::kUnauthenticated) {
    r.headers.emplace_back("www-authenticate", "Bearer");
  }
  return r;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of query parameter `name` (percent-decoded); "" if absent.
// Unknown parameters are refused.
absl::StatusOr<std::string> QueryParam(absl::string_view query, absl::string_view name) {
  std::string found;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (kv.first != name) {
      return core::InvalidField(std::string(kv.first),
                                absl::StrCat("is not a parameter of this route (only ", name, ")"));
    }
    std::string value;
    for (size_t i = 0; i < kv.second.size(); ++i) {
      const char c = kv.second[i];
      if (c == '%' && i + 2 < kv.second.size() + 0 && HexValue(kv.second[i + 1]) >= 0 &&
          HexValue(kv.second[i + 2]) >= 0) {
        value.push_back(
            static_cast<char>(HexValue(kv.second[i + 1]) * 16 + HexValue(kv.second[i + 2])));
        i += 2;
      } else {
        value.push_back(c == '+' ? ' ' : c);
      }
    }
    if (value.size() > 128) return core::InvalidField(std::string(name), "at most 128 characters");
    found = std::move(value);
  }
  return found;
}

http::Response NotAllowed(absl::string_view allow) {
  http::Response r =
      Error(absl::UnimplementedError(absl::StrCat("this route takes ", allow, " only")));
  r.status = 405;
  r.headers.emplace_back("allow", std::string(allow));
  return r;
}

using core::HtmlEscape;

// The node's pages (the table page, the desk page): their own inline script
// and the node only, framed by no one, never cached.
http::Response HtmlPage(std::string body) {
  return {.status = 200,
          .headers = {{"content-type", "text/html; charset=utf-8"},
                      {"cache-control", "no-store"},
                      {"content-security-policy",
                       "default-src 'none'; script-src 'unsafe-inline'; style-src "
                       "'unsafe-inline'; connect-src 'self'; img-src 'self' data:"},
                      {"x-frame-options", "DENY"},
                      {"referrer-policy", "no-referrer"}},
          .body = std::move(body)};
}

http::Response HtmlError(const absl::Status& s) {
  return {.status = core::HttpStatusFor(s.code()),
          .headers = {{"content-type", "text/html; charset=utf-8"}, {"cache-control", "no-store"}},
          .body = core::HtmlErrorPage(s.message())};
}

}  // namespace

http::Response LanFront::ServerError(int status, std::string_view message) {
  const absl::string_view text(message.data(), message.size());
  absl::Status s = status == 503 ? absl::UnavailableError(text) : absl::InvalidArgumentError(text);
  http::Response r = Error(s);
  r.status = status;
  return r;
}

http::Response LanFront::Handle(const http::Request& req) {
  const std::string& path = req.path;
  if (path == "/healthz") return {.status = 200, .body = "ok\n"};
  if (absl::StartsWith(path, "/t/")) {
    if (req.method != "GET" && req.method != "HEAD") return NotAllowed("GET");
    const std::string table = path.substr(3);
    auto k = QueryParam(req.query, "k");
    if (!k.ok()) return HtmlError(k.status());
    return TablePage(table, *k);
  }
  if (path == "/v1/menu") {
    if (req.method != "GET") return NotAllowed("GET");
    if (!req.query.empty()) return Error(core::InvalidField("query", "this route takes none"));
    auto menu = logic_.Menu();
    if (!menu.ok()) return Error(menu.status());
    return Json(200, *menu);
  }
  if (path == "/desk") {
    if (req.method != "GET" && req.method != "HEAD") return NotAllowed("GET");
    return HtmlPage(RenderDeskPage());
  }
  if (absl::StartsWith(path, "/v1/desk/")) {
    return Desk(req, absl::string_view(path).substr(sizeof("/v1/desk/") - 1));
  }
  if (path == "/v1/sync/status") {
    if (req.method != "GET") return NotAllowed("GET");
    if (absl::Status s = RequireDesk(req); !s.ok()) return Error(s);
    return Json(200, sync_status_());
  }
  // /v1/tables/{table}/orders
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() == 5 && parts[0].empty() && parts[1] == "v1" && parts[2] == "tables" &&
      parts[4] == "orders") {
    if (req.method != "POST") return NotAllowed("POST");
    auto k = QueryParam(req.query, "k");
    if (!k.ok()) return Error(k.status());
    return PlaceOrder(req, std::string(parts[3]), *k);
  }
  return Error(absl::NotFoundError(
      absl::StrCat("no route ", req.method, " ", path, " at this node (see docs/api.md)")));
}

absl::Status LanFront::RequireDesk(const http::Request& req) {
  const std::string_view header = req.Header("authorization");
  return desk_.Authenticate(absl::string_view(header.data(), header.size())).status();
}

http::Response LanFront::Desk(const http::Request& req, absl::string_view rest) {
  if (absl::Status s = RequireDesk(req); !s.ok()) return Error(s);
  if (rest == "orders") {
    if (req.method != "GET") return NotAllowed("GET");
    v1::ListDeskOrdersRequest list;
    list.set_limit(100);
    auto orders = logic_.ListOrders(list);
    if (!orders.ok()) return Error(orders.status());
    v1::ListDeskOrdersResponse resp;
    for (auto& o : *orders) *resp.add_orders() = std::move(o);
    return Json(200, resp);
  }
  // orders/{id}:{step}
  const size_t colon = rest.rfind(':');
  if (!absl::StartsWith(rest, "orders/") || colon == absl::string_view::npos || colon < 7) {
    return Error(
        absl::NotFoundError(absl::StrCat("no desk route ", req.method, " /v1/desk/", rest)));
  }
  if (req.method != "POST") return NotAllowed("POST");
  const std::string id(rest.substr(7, colon - 7));
  const absl::string_view step = rest.substr(colon + 1);
  DeskAction action;
  if (step == "accept") {
    action = DeskAction::kAccept;
  } else if (step == "reject") {
    action = DeskAction::kReject;
  } else if (step == "paid") {
    action = DeskAction::kPay;
  } else if (step == "settle") {
    action = DeskAction::kSettle;
  } else {
    return Error(core::InvalidField(
        "step", absl::StrCat("\"", core::ToValidUtf8(step.substr(0, 32)),
                             "\" is not a step: accept, reject, paid or settle")));
  }
  if (req.body.size() > kMaxBodyBytes) {
    return Error(core::InvalidField("body", absl::StrCat("at most ", kMaxBodyBytes, " bytes")));
  }
  v1::DeskOrderRequest body;
  if (!req.body.empty() && !core::FastJsonToMessage(req.body, &body, false)) {
    return Error(core::InvalidField("body", "must be JSON, {\"reason\":\"...\"}, or empty"));
  }
  auto order = logic_.Apply(id, action, body.reason());
  if (!order.ok()) return Error(order.status());
  return Json(200, *order);
}

http::Response LanFront::TablePage(const std::string& table, const std::string& token) {
  auto page = logic_.OpenTable(table, token);
  if (!page.ok()) return HtmlError(page.status());
  return HtmlPage(RenderTablePage(page->table, page->menu, token));
}

http::Response LanFront::PlaceOrder(const http::Request& req, const std::string& table,
                                    const std::string& query_token) {
  if (req.body.size() > kMaxBodyBytes) {
    return Error(core::InvalidField(
        "body",
        absl::StrCat("at most ", kMaxBodyBytes, " bytes; an order of 30 lines needs 4 KiB")));
  }
  v1::CreateTableOrderRequest order_req;
  absl::Status parsed = absl::OkStatus();
  if (!core::FastJsonToMessage(req.body, &order_req, /*ignore_unknown_fields=*/false)) {
    order_req.Clear();
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto slow = google::protobuf::util::JsonStringToMessage(req.body, &order_req, options);
    if (!slow.ok()) parsed = absl::InvalidArgumentError(std::string(slow.message()));
  }
  if (!parsed.ok()) {
    return Error(core::InvalidField(
        "body", absl::StrCat("must be JSON: {\"requestId\":\"<uuid>\",\"items\":[{\"menuItemId\":"
                             "\"...\",\"quantity\":1}],\"token\":\"<the table token>\"} (",
                             std::string(parsed.message()).substr(0, 200), ")")));
  }
  if (!order_req.table().empty() && order_req.table() != table) {
    return Error(core::InvalidField("table", "the body names another table than the path"));
  }
  order_req.set_table(table);
  if (order_req.token().empty()) order_req.set_token(query_token);
  auto order = logic_.PlaceTableOrder(order_req);
  if (!order.ok()) return Error(order.status());
  v1::CreateTableOrderResponse resp;
  *resp.mutable_order() = *std::move(order);
  return Json(200, resp);
}

std::string RenderTablePage(const v1::LandingTable& table, const v1::Menu& menu,
                            const std::string& token) {
  // JSON inside <script>: no "</" can close the element.
  auto script_json = [](const google::protobuf::Message& m) {
    return absl::StrReplaceAll(ToJson(m), {{"<", "\\u003c"}, {">", "\\u003e"}, {"&", "\\u0026"}});
  };
  v1::LandingTable shown = table;
  shown.set_token(token);
  return absl::StrCat(R"html(<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>)html",
                      HtmlEscape(menu.merchant_name()), " · ", HtmlEscape(table.name()),
                      R"html(</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f6;color:#222}
header{background:#c0392b;color:#fff;padding:12px 16px}
header h1{font-size:1.2em;margin:0}
main{padding:8px 12px 120px}
.item{display:flex;align-items:center;background:#fff;border-radius:8px;padding:10px;margin:8px 0}
.item .name{flex:1}
.item .price{color:#c0392b;margin-right:8px}
.item button{width:36px;height:36px;font-size:1.2em;border-radius:18px;border:1px solid #ccc;background:#fff}
.item .qty{width:28px;text-align:center}
.item.soldout{opacity:.5}
footer{position:fixed;bottom:0;left:0;right:0;background:#fff;border-top:1px solid #ddd;padding:10px 16px;display:flex;align-items:center}
footer .total{flex:1;font-size:1.1em}
footer button{background:#c0392b;color:#fff;border:0;border-radius:6px;padding:12px 20px;font-size:1em}
footer button:disabled{background:#aaa}
#result{background:#e8f5e9;border-radius:8px;padding:12px;margin:8px 0;display:none}
#error{color:#c0392b;margin:8px 0}
</style>
</head>
<body>
<header><h1 id="shop"></h1><div id="table"></div></header>
<main><div id="result"></div><div id="error"></div><div id="menu"></div></main>
<footer><div class="total" id="total">¥0.00</div><button id="order" disabled>下单 Order</button></footer>
<script id="menu-data" type="application/json">)html",
                      script_json(menu), R"html(</script>
<script id="table-data" type="application/json">)html",
                      script_json(shown), R"html(</script>
<script>
(function () {
  var menu = JSON.parse(document.getElementById('menu-data').textContent);
  var table = JSON.parse(document.getElementById('table-data').textContent);
  var cart = {};
  var pending = null;  // the request id of an order not yet answered: a retry reuses it
  function money(m) { return '¥' + ((Number(m && m.minor) || 0) / 100).toFixed(2); }
  function newId() {
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }
  document.getElementById('shop').textContent = menu.merchantName || '';
  document.getElementById('table').textContent = table.name || table.id;
  var list = document.getElementById('menu');
  (menu.items || []).forEach(function (item) {
    var row = document.createElement('div');
    row.className = 'item' + (item.soldOut ? ' soldout' : '');
    row.dataset.id = item.id;
    var name = document.createElement('span'); name.className = 'name';
    name.textContent = item.name + (item.soldOut ? ' (售罄 sold out)' : '');
    var price = document.createElement('span'); price.className = 'price'; price.textContent = money(item.price);
    var minus = document.createElement('button'); minus.textContent = '−'; minus.className = 'minus';
    var qty = document.createElement('span'); qty.className = 'qty'; qty.textContent = '0';
    var plus = document.createElement('button'); plus.textContent = '+'; plus.className = 'plus';
    if (item.soldOut) { minus.disabled = true; plus.disabled = true; }
    function set(n) {
      n = Math.max(0, Math.min(50, n));
      if (n) cart[item.id] = n; else delete cart[item.id];
      qty.textContent = String(n); pending = null; update();
    }
    minus.onclick = function () { set((cart[item.id] || 0) - 1); };
    plus.onclick = function () { set((cart[item.id] || 0) + 1); };
    row.append(name, price, minus, qty, plus);
    list.append(row);
  });
  function update() {
    var total = 0, count = 0;
    (menu.items || []).forEach(function (item) {
      var n = cart[item.id] || 0; count += n; total += n * (Number(item.price && item.price.minor) || 0);
    });
    document.getElementById('total').textContent = money({ minor: total }) + ' · ' + count;
    document.getElementById('order').disabled = count === 0;
  }
  document.getElementById('order').onclick = function () {
    var button = this; button.disabled = true;
    document.getElementById('error').textContent = '';
    if (!pending) pending = newId();
    var items = Object.keys(cart).map(function (id) { return { menuItemId: id, quantity: cart[id] }; });
    fetch('/v1/tables/' + encodeURIComponent(table.id) + '/orders', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requestId: pending, items: items, token: table.token })
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (!res.ok) { document.getElementById('error').textContent = res.body.message || 'error'; button.disabled = false; return; }
        var o = res.body.order;
        var box = document.getElementById('result');
        box.style.display = 'block';
        box.textContent = '已下单 Ordered · ' + money(o.total) + ' · No. ' + o.receipt.number;
        box.dataset.orderId = o.id;
        cart = {}; pending = null;
        Array.prototype.forEach.call(document.querySelectorAll('.qty'), function (q) { q.textContent = '0'; });
        update();
      }, function () {
        // The network failed: the same request id is sent again on the next tap.
        document.getElementById('error').textContent = '网络错误，请重试 Network error: tap again';
        button.disabled = false;
      });
  };
  update();
})();
</script>
</body>
</html>
)html");
}

std::string RenderDeskPage() {
  return R"html(<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>前台 Desk</title>
<style>
body{font-family:sans-serif;margin:0;background:#f4f4f4;color:#222}
header{background:#1d3557;color:#fff;padding:.6em 1em;display:flex;gap:1em;align-items:center;flex-wrap:wrap}
header h1{font-size:1.1em;margin:0}
#sync{font-size:.9em}
main{padding:1em;display:grid;grid-template-columns:repeat(auto-fill,minmax(16em,1fr));gap:.8em}
.order{background:#fff;border-radius:8px;padding:.8em;box-shadow:0 1px 3px #0002}
.order h2{font-size:1em;margin:0 0 .3em}
.order ul{margin:.3em 0;padding-left:1.2em}
.state{font-weight:bold}
button{font-size:1em;margin:.3em .3em 0 0;padding:.4em .8em;border:0;border-radius:6px;background:#2a9d8f;color:#fff}
button.no{background:#e63946}
#login{padding:2em;max-width:30em}
#login input{width:100%;font-size:1em;padding:.4em;margin:.5em 0}
#error{color:#e63946;padding:0 1em}
.done{opacity:.55}
</style>
</head>
<body>
<header><h1>前台 · Desk</h1><span id="sync"></span></header>
<div id="login" hidden>
<p>粘贴节点的前台令牌（节点数据目录里的 desk-token）。<br>Paste the node's desk token (desk-token in its data directory).</p>
<input id="token" type="password" autocomplete="off" aria-label="desk token">
<button id="enter">进入 Enter</button>
</div>
<p id="error" role="alert"></p>
<main id="orders" aria-live="polite"></main>
<script>
"use strict";
const steps = {
  PLACED: [["accept", "接单 Accept"], ["reject", "拒绝 Reject"]],
  ACCEPTED: [["paid", "已付款 Paid"], ["reject", "拒绝 Reject"]],
  PAID: [["settle", "完成 Settle"]],
};
const names = {PLACED: "新订单 New", ACCEPTED: "已接单 Accepted", PAID: "已付款 Paid",
               SETTLED: "已完成 Settled", REJECTED: "已拒绝 Rejected"};
let token = sessionStorage.getItem("deskToken") || "";
const $ = (id) => document.getElementById(id);
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function money(m) {
  if (!m) return "";
  const minor = Number(m.minor || 0);
  return (m.currency === "CNY" ? "¥" : (m.currency || "") + " ") + (minor / 100).toFixed(2);
}
async function call(method, path, body) {
  const r = await fetch(path, {method, headers: {"authorization": "Bearer " + token,
      "content-type": "application/json"}, body: body ? JSON.stringify(body) : undefined});
  const data = await r.json().catch(() => ({}));
  if (r.status === 401) { token = ""; sessionStorage.removeItem("deskToken"); showLogin(); }
  if (!r.ok) throw new Error(data.message || ("HTTP " + r.status));
  return data;
}
function showLogin() { $("login").hidden = false; $("orders").replaceChildren(); }
async function step(order, name) {
  let body;
  if (name === "reject") {
    const reason = prompt("拒绝的原因 Why?", "");
    if (reason === null) return;
    body = {reason};
  }
  try { await call("POST", "/v1/desk/orders/" + encodeURIComponent(order.id) + ":" + name, body);
        $("error").textContent = ""; }
  catch (e) { $("error").textContent = e.message; }
  refresh();
}
function render(orders) {
  const main = $("orders");
  const open = orders.filter((o) => steps[o.landingStatus]);
  const closed = orders.filter((o) => !steps[o.landingStatus]).slice(0, 8);
  main.replaceChildren();
  for (const o of open.concat(closed)) {
    const card = el("section", undefined, "order" + (steps[o.landingStatus] ? "" : " done"));
    card.dataset.id = o.id;
    card.dataset.state = o.landingStatus;
    card.append(el("h2", "桌 Table " + (o.table || "?") + " · " + money(o.total)));
    card.append(el("div", names[o.landingStatus] || o.landingStatus, "state"));
    card.append(el("small", new Date(o.createTime).toLocaleTimeString()));
    const ul = el("ul");
    for (const i of o.items || []) ul.append(el("li", (i.quantity || 1) + " × " + (i.name || i.menuItemId)));
    card.append(ul);
    for (const [name, label] of steps[o.landingStatus] || []) {
      const b = el("button", label, name === "reject" ? "no" : "");
      b.dataset.step = name;
      b.onclick = () => step(o, name);
      card.append(b);
    }
    main.append(card);
  }
  if (!main.children.length) main.append(el("p", "还没有订单 No orders yet"));
}
async function refresh() {
  if (!token) return showLogin();
  try {
    const [list, sync] = await Promise.all([call("GET", "/v1/desk/orders"),
                                            call("GET", "/v1/sync/status")]);
    render(list.orders || []);
    $("sync").textContent = (sync.online ? "云端在线 Online" : "云端离线 Offline") +
        " · 待同步 pending " + (sync.pending || 0) +
        (sync.parked ? " · 搁置 parked " + sync.parked : "") +
        (sync.stoppedReason ? " · " + sync.stoppedReason : "");
  } catch (e) { if (token) $("error").textContent = e.message; }
}
$("enter").onclick = () => {
  token = $("token").value.trim();
  sessionStorage.setItem("deskToken", token);
  $("login").hidden = true;
  refresh();
};
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)html";
}

}  // namespace qrcloud::landing
