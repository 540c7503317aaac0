#!/usr/bin/env node
// A sinkscribe client in Node.js with the `zeromq` package (v6), written from docs/PROTOCOL.md alone:
//
// 1. subscribe to the summary socket (summary, answer, status, eos), then ask for a snapshot on the
//    request socket: the current notes at once, even when joining late (the "Clone" pattern);
// 2. print every newer Summary (published messages the snapshot already covers are dropped by `seq`);
// 3. at the end of the stream (or after --follow seconds) ask one question and print the answer with
//    the transcript lines it cites.
//
//   npm ci && node client.js --question "Who owns the database migration?"
//   node client.js --summary tcp://10.0.0.5:5553 --requests tcp://10.0.0.5:5554 --curve-keys DIR
//
// Exit code 0 when the question (if any) was answered, 1 on a timeout or an Error reply.
"use strict"

const crypto = require("node:crypto")
const fs = require("node:fs")
const path = require("node:path")
const { parseArgs } = require("node:util")
const zmq = require("zeromq")

const VERSION = 1 // the protocol version this client speaks (the header's "v")
const TOPICS = ["summary", "answer", "status", "eos"]
// Messages the summarize stage numbers with its own publisher sequence: the ones a snapshot covers.
const PUBLISHER_SEQ = new Set(["summary", "answer", "status", "eos"])
const SETTLE_MS = 300 // a subscription takes a moment to reach the publisher; ask for the snapshot after it

// Every header starts with {"type":"NAME", so this prefix selects one message type.
const topic = (name) => `{"type":"${name}",`

function clock(seconds) {
  const tenths = Math.round(Math.max(0, seconds) * 10)
  const minutes = Math.floor(tenths / 600)
  const secs = (tenths % 600) / 10
  return `${String(minutes).padStart(2, "0")}:${secs.toFixed(1).padStart(4, "0")}`
}

// CURVE (optional): ZeroMQ certificate files as `sinkscribe keys generate DIR` writes them; the keys
// are the Z85 strings in their `curve` section.
function readKey(file, name) {
  const found = fs.readFileSync(file, "utf8").match(new RegExp(`${name}\\s*=\\s*"([^"]{40})"`))
  if (!found) throw new Error(`${file} holds no ${name}`)
  return found[1]
}

function curveOptions(keys) {
  if (!keys) return {}
  const dir = keys.replace(/^~(?=\/|$)/, process.env.HOME || "~")
  return {
    curvePublicKey: readKey(path.join(dir, "client.key_secret"), "public-key"),
    curveSecretKey: readKey(path.join(dir, "client.key_secret"), "secret-key"),
    curveServerKey: readKey(path.join(dir, "server.key"), "public-key"),
  }
}

const isTimeout = (err) => err && err.code === "EAGAIN"

// One request on a fresh DEALER: one frame, the JSON header (no empty delimiter frame, so not a REQ
// socket). Resolves to the reply carrying our request_id, or null after `timeoutMs`.
async function request(endpoint, body, timeoutMs, keys) {
  const sock = new zmq.Dealer({ linger: 0, ...curveOptions(keys) })
  sock.connect(endpoint)
  try {
    await sock.send(JSON.stringify(body))
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const left = deadline - Date.now()
      if (left <= 0) return null
      sock.receiveTimeout = left
      let frames
      try {
        frames = await sock.receive()
      } catch (err) {
        if (isTimeout(err)) return null
        throw err
      }
      const reply = JSON.parse(frames[0].toString("utf8"))
      if (reply.request_id === body.request_id) return reply // anything else is not ours: skip it
    }
  } finally {
    sock.close()
  }
}

// Notes as data when the message carries items (a Summary), else the rendered text (a Snapshot).
function showNotes(msg, label) {
  const final = msg.final ? ", final" : ""
  console.log(`== notes up to ${clock(msg.upto)} (segment ${msg.upto_seq})${final} (${label}) ==`)
  const items = msg.items || []
  for (const item of items) {
    const who = item.kind === "action" ? `${item.owner || "(owner unclear)"}: ` : ""
    const due = item.due ? ` (due ${item.due})` : ""
    const lines = item.seqs.map((seq, i) => `${clock(item.starts[i])} #${seq}`).join(", ")
    console.log(`- ${item.kind}: ${who}${item.text}${due} [${lines}]`)
  }
  if (items.length === 0) console.log(msg.summary !== undefined ? msg.summary : msg.text)
}

async function follow(args) {
  const sub = new zmq.Subscriber({ linger: 0, ...curveOptions(args.keys) })
  for (const name of TOPICS) sub.subscribe(topic(name))
  sub.connect(args.summary)
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)) // subscribe first, then snapshot
    const snap = await request(args.requests, {
      type: "snapshot_request", v: VERSION, stream: "node-client", seq: 0, request_id: crypto.randomUUID(),
    }, args.timeoutMs, args.keys)
    if (!snap || snap.type !== "snapshot") {
      console.error(`no snapshot from ${args.requests} within ${args.timeoutMs / 1000} s`)
      return false
    }
    const state = snap.ended ? `ended (${snap.end_reason || "eof"})` : "live"
    console.log(`-- session ${snap.session || "?"} (${snap.source || "unknown source"}), ${state}`)
    if (snap.summary) showNotes(snap, "snapshot")
    if (snap.ended) return true // nothing more will be published for this stream
    let covered = snap.pub_seq
    let instance = null
    const deadline = Date.now() + args.followMs
    for (;;) {
      const left = deadline - Date.now()
      if (left <= 0) break
      sub.receiveTimeout = left
      let frames
      try {
        frames = await sub.receive()
      } catch (err) {
        if (isTimeout(err)) break
        throw err
      }
      const msg = JSON.parse(frames[0].toString("utf8"))
      if (msg.v !== VERSION) continue // another protocol version: not ours to read
      if (msg.type === "status" && msg.stage === "summarize") {
        const seen = msg.counters.instance
        if (instance !== null && seen !== instance) covered = -1 // restarted: its seq starts again at 1
        instance = seen
      }
      if (PUBLISHER_SEQ.has(msg.type) && msg.seq <= covered) continue // the snapshot already holds it
      if (msg.type === "summary") {
        showNotes(msg, "update")
      } else if (msg.type === "eos") {
        console.log(`-- end of stream (${msg.reason}), ${msg.audio_seconds.toFixed(1)} s of audio`)
        return true
      }
    }
    console.log(`-- no end of stream within ${args.followMs / 1000} s; asking anyway`)
    return true
  } finally {
    sub.close()
  }
}

async function ask(args) {
  console.log(`Q: ${args.question}`)
  const reply = await request(args.requests, {
    type: "question", v: VERSION, stream: "node-client", seq: 0, request_id: crypto.randomUUID(),
    text: args.question,
  }, args.answerTimeoutMs, args.keys)
  if (!reply) {
    console.error(`no answer within ${args.answerTimeoutMs / 1000} s`)
    return false
  }
  if (reply.type === "error") {
    console.error(`refused: ${reply.message}`)
    return false
  }
  console.log(`A: ${reply.text}`)
  for (const c of reply.citations) console.log(`   [${clock(c.start)}] ${c.text} (segment ${c.seq})`)
  return true
}

function parse() {
  const { values } = parseArgs({
    options: {
      summary: { type: "string", default: "tcp://127.0.0.1:5553" }, // the summarize stage's PUB socket
      requests: { type: "string", default: "tcp://127.0.0.1:5554" }, // its ROUTER socket
      question: { type: "string", default: "" }, // asked once the stream has ended (none: only follow)
      follow: { type: "string", default: "600" }, // follow the notes at most this many seconds
      timeout: { type: "string", default: "30" }, // seconds to wait for the snapshot
      "answer-timeout": { type: "string", default: "120" }, // seconds to wait for the answer
      "curve-keys": { type: "string" }, // folder with client.key_secret and server.key
      help: { type: "boolean", short: "h", default: false },
    },
  })
  if (values.help) {
    console.log("usage: node client.js [--summary EP] [--requests EP] [--question TEXT] [--follow S] " +
      "[--timeout S] [--answer-timeout S] [--curve-keys DIR]")
    process.exit(0)
  }
  return {
    summary: values.summary,
    requests: values.requests,
    question: values.question,
    followMs: Number(values.follow) * 1000,
    timeoutMs: Number(values.timeout) * 1000,
    answerTimeoutMs: Number(values["answer-timeout"]) * 1000,
    keys: values["curve-keys"],
  }
}

async function main() {
  const args = parse()
  if (!(await follow(args))) return 1
  return !args.question || (await ask(args)) ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err.message || err)
    process.exit(1)
  },
)
