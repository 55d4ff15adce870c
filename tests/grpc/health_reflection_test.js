// An independent gRPC client (grpc-js from npm, not qrcloud's own stubs)
// checks a qrcloud service the way any client would discover it: the
// standard health service answers SERVING and server reflection lists the
// qrcloud.* services and serves their descriptors.
//
//   node tests/grpc/health_reflection_test.js <host:port> <service> [<service> …]
'use strict';
const path = require('path');
const grpc = require(path.join(__dirname, '..', 'node_modules', '@grpc', 'grpc-js'));
const loader = require(path.join(__dirname, '..', 'node_modules', '@grpc', 'proto-loader'));

const PROTO_ROOT = '/usr/share/grpc-proto';
const [address, ...expected] = process.argv.slice(2);
if (!address || expected.length === 0) {
  console.error('usage: health_reflection_test.js <host:port> <service> [<service> …]');
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(ok, what, detail) {
  if (ok) { passed++; console.log(`ok - ${what}`); } else { failed++; console.log(`not ok - ${what}${detail ? `: ${detail}` : ''}`); }
}

function load(file) {
  const def = loader.loadSync(file, { includeDirs: [PROTO_ROOT], keepCase: true, longs: String, enums: String, defaults: true });
  return grpc.loadPackageDefinition(def);
}

const deadline = () => new Date(Date.now() + 5000);

function healthCheck(client, service) {
  return new Promise((resolve) => {
    client.Check({ service }, { deadline: deadline() }, (err, resp) => resolve(err ? `error ${err.code}: ${err.details}` : resp.status));
  });
}

function reflect(client, request) {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo({ deadline: deadline() });
    call.on('data', (resp) => { resolve(resp); call.end(); });
    call.on('error', reject);
    call.write(request);
  });
}

async function main() {
  const health = load('grpc/health/v1/health.proto').grpc.health.v1;
  const reflection = load('grpc/reflection/v1alpha/reflection.proto').grpc.reflection.v1alpha;
  const creds = grpc.credentials.createInsecure();

  const healthClient = new health.Health(address, creds);
  check((await healthCheck(healthClient, '')) === 'SERVING', 'health: the server is SERVING');
  for (const service of expected) {
    const status = await healthCheck(healthClient, service);
    check(status === 'SERVING', `health: ${service} is SERVING`, status);
  }
  const unknown = await healthCheck(healthClient, 'qrcloud.v1.NoSuchService');
  check(unknown.startsWith('error 5'), 'health: an unknown service is NOT_FOUND', unknown);

  const reflectionClient = new reflection.ServerReflection(address, creds);
  const listed = await reflect(reflectionClient, { list_services: '' });
  const names = (listed.list_services_response?.service || []).map((s) => s.name);
  for (const service of expected) {
    check(names.includes(service), `reflection lists ${service}`, names.join(', '));
  }
  check(names.includes('grpc.health.v1.Health'), 'reflection lists grpc.health.v1.Health');
  const file = await reflect(reflectionClient, { file_containing_symbol: expected[0] });
  const protos = file.file_descriptor_response?.file_descriptor_proto || [];
  const text = protos.map((b) => Buffer.from(b).toString('latin1')).join('\n');
  check(protos.length > 0 && text.includes('qrcloud.v1'), `reflection serves the descriptor of ${expected[0]}`);
  check(text.includes('google.api.http') || text.includes('google/api/annotations.proto'),
        'the descriptor carries its google.api.http annotations');

  healthClient.close();
  reflectionClient.close();
}

main()
  .catch((err) => check(false, 'the client ran', String(err)))
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
  });
