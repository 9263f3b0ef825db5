// An integrator's journey with a client no one here wrote: the types are generated
// from openapi/openapi.json by openapi-typescript, the calls made by openapi-fetch,
// and tsc checks every path, parameter and field below against the spec before the
// journey runs against a real server (scripts/client-journey.sh).
//
// A creditor's system, with an API key an agency admin made for it: it places an
// account, records a payment with an Idempotency-Key (and retries it), reads the
// ledger, registers a webhook and receives the signed `payment.completed` event on a
// local receiver that checks the signature.

import createClient from "openapi-fetch";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { components, paths } from "./generated/schema.js";

const baseUrl = process.env.DEBTFLOW_URL ?? "http://127.0.0.1:8080";

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`journey: ${what}`);
}

/** The data of a response, or the journey stops with its problem document. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  check(result.data !== undefined, `${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data;
}

// A person signs in once: the agency admin who makes the key.
const people = createClient<paths>({ baseUrl });
const token = ok(
  await people.POST("/api/v1/auth/token", { body: { username: "demo.admin", password: "Demo@2026" } }),
  "admin login",
);
const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token.access}` } });
const scopes: components["schemas"]["Scope"][] = [
  "accounts:read",
  "accounts:write",
  "payments:read",
  "payments:write",
  "webhooks:manage",
];
const key = ok(
  await admin.POST("/api/v1/api-keys", { body: { name: "Creditor system (client journey)", scopes } }),
  "create key",
);
check(key.secret.startsWith("dfk_live_") && key.secret.startsWith(key.prefix), "the secret and its prefix");

// From here on the system acts with its key alone.
const system = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key.secret}` } });

// A receiver for webhooks, checking `DebtFlow-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`.
type Received = { id: string; type: string; data: Record<string, unknown> };
const received: Received[] = [];
let signingSecret = "";
const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
const receiver = createServer(async (req, res) => {
  const body = await readBody(req);
  const header = String(req.headers["debtflow-signature"] ?? "");
  const parts = Object.fromEntries(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const expected = createHmac("sha256", signingSecret).update(`${parts.t}.`).update(body).digest("hex");
  const given = Buffer.from(parts.v1 ?? "", "utf8");
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
  if (!fresh || given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, "utf8"))) {
    res.writeHead(400).end("bad signature");
    return;
  }
  const event = JSON.parse(body.toString("utf8")) as Received;
  check(req.headers["debtflow-event-id"] === event.id, "the event id header names the event");
  received.push(event);
  res.writeHead(204).end();
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const endpoint = ok(
  await system.POST("/api/v1/webhooks", { body: { url: receiverUrl, event_types: ["payment.completed"] } }),
  "register webhook",
);
check(endpoint.secret, "the endpoint's signing secret, shown once");
signingSecret = endpoint.secret;

// Place an account.
const reference = `CLIENT-${randomUUID().slice(0, 8)}`;
const account = ok(
  await system.POST("/api/v1/accounts", {
    body: {
      external_ref: reference,
      original_balance: "1200.00",
      creditor: "Acme Bank",
      delinquency_date: "2026-06-01",
      debtor: { full_name: "Jordan Client", email: "jordan@example.com" },
    },
  }),
  "create account",
);
check(account.current_balance === "1200.00", `the balance is computed: ${account.current_balance}`);

// The agency gives it to a collector (people assign work; systems do not).
const collectors = ok(await admin.GET("/api/v1/collectors", {}), "collectors");
const collector = collectors.items[0];
check(collector, "a collector to assign");
ok(
  await admin.POST("/api/v1/accounts/{id}/assign", {
    params: { path: { id: account.id } },
    body: { collector_id: collector.id },
  }),
  "assign",
);

// Record a payment with an Idempotency-Key; the retry replays the first answer.
const idempotencyKey = randomUUID();
// "Today" is the agency's, in its time zone.
const me = ok(await admin.GET("/api/v1/auth/me", {}), "me");
check(me.agency, "the admin's agency");
const today = new Intl.DateTimeFormat("en-CA", { timeZone: me.agency.time_zone }).format(new Date());
const pay = () =>
  system.POST("/api/v1/payments", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: { account_id: account.id, amount: "200.00", method: "bank_transfer", paid_on: today, reference: "PAYPAGE-1" },
  });
const payment = ok(await pay(), "record payment");
const retried = ok(await pay(), "retry payment");
check(retried.id === payment.id, "a retry with the same key is the same payment");

// Read the ledger: every entry balanced, the receivable down by the payment.
const ledger = ok(await system.GET("/api/v1/accounts/{id}/ledger", { params: { path: { id: account.id } } }), "ledger");
check(ledger.items.some((entry) => entry.kind === "payment"), `the payment's entry: ${JSON.stringify(ledger.items)}`);
for (const entry of ledger.items) {
  const debits = entry.lines.reduce((sum, line) => sum + Number(line.debit), 0);
  const credits = entry.lines.reduce((sum, line) => sum + Number(line.credit), 0);
  check(Math.abs(debits - credits) < 1e-9, `entry ${entry.entry_id} balances`);
}
const after = ok(await system.GET("/api/v1/accounts/{id}", { params: { path: { id: account.id } } }), "account");
check(after.current_balance === "1000.00", `the balance after the payment: ${after.current_balance}`);

// What the key's scopes do not grant is a problem document, typed as the spec says.
const refused = await system.GET("/api/v1/users", {});
check(refused.response.status === 403 && refused.error?.type !== undefined, "a key does not read staff");

// The signed event arrives, once, naming the payment.
for (let waited = 0; received.length === 0 && waited < 15_000; waited += 100) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const [event] = received;
check(received.length === 1 && event, `one payment.completed event, got ${received.length}`);
check(event.type === "payment.completed", `event type ${event.type}`);
check(JSON.stringify(event.data).includes(payment.id), "the event names the payment");

receiver.close();
console.log(
  `client journey: key ${key.prefix}…, account ${reference}, payment ${payment.id} (replayed), ` +
    `${ledger.items.length} balanced entries, event ${event.id} signed and verified`,
);
