// The reference for tools/bench/qr_bench.sh: the npm `qrcode` package
// rendering the payload list of qr_benchmark.cc (same level M, 4-module
// margin) in one node process, as SVG and as 300 px PNG.
//
//   node tools/bench/qrcode_npm_bench.js [seconds-per-test]
//
// Prints one JSON line: {"svg_per_s":…, "png300_per_s":…, …}.
'use strict';
const QRCode = require('qrcode');

// Payload i, exactly as Payload() in qr_benchmark.cc builds it.
function payload(i) {
  if (i % 10 === 8) return `欢迎光临${(i % 60) + 1}号桌，扫码点餐 #${i}`;
  if (i % 10 === 9) return `WIFI:T:WPA;S:Shop-${i};P:pw\\;${i};;`;
  const hash = Math.imul(i, 2654435761 | 0) >>> 0;
  return `https://qrcloud.example.com/s/${hash.toString(36)}`;
}

const kPayloads = 10000;
const payloads = Array.from({length: kPayloads}, (_, i) => payload(i));

// Runs `render` over the payloads for about `seconds`; returns codes/s.
async function rate(render, seconds) {
  for (let i = 0; i < 200; ++i) await render(payloads[i]);  // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < limit) {
    for (let k = 0; k < 100; ++k) await render(payloads[n++ % kPayloads]);
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main() {
  const seconds = Number(process.argv[2] || 3);
  const options = {errorCorrectionLevel: 'M', margin: 4};
  let svgBytes = 0;
  const svg = await rate(async (text) => {
    svgBytes = (await QRCode.toString(text, {...options, type: 'svg'})).length;
  }, seconds);
  const png = await rate(
      (text) => QRCode.toBuffer(text, {...options, type: 'png', width: 300}), seconds);
  const version = require('qrcode/package.json').version;
  console.log(JSON.stringify({qrcode: version, node: process.version, svg_per_s: svg,
                              png300_per_s: png, last_svg_bytes: svgBytes}));
}

main();
