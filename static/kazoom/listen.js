// Kazoom's microphone: records in the browser (Web Audio), encodes the audio so far as WAV and
// posts it through the hidden htmx form at about 3, 6 and 10 seconds, stopping at the first
// answer that is not "still listening". The server sends the outcome back as a `kazoom:outcome`
// event (HX-Trigger-After-Swap), so this module never parses the result card. Its own problems
// (no microphone, no permission, no connection) fill in the page's copy of the error card.

const CHECKPOINTS_SECONDS = [3, 6, 10];

const button = document.getElementById("listen");
const label = button.querySelector(".listen-label");
const form = document.getElementById("mic-form");
// The shortest clip the server recognises: the engine config's min_query_seconds.
const MIN_SECONDS = Number(form.dataset.minSeconds);
const fileInput = form.querySelector('input[type="file"]');
const interimInput = form.querySelector('input[name="interim"]');
const message = document.getElementById("listen-message");
const levelBar = document.getElementById("level");
const elapsedText = document.getElementById("elapsed");
const result = document.getElementById("result");
const problemCard = document.getElementById("problem-card");

// The capture processor runs on the audio thread; it only hands each block of samples over.
const CAPTURE_PROCESSOR = `
class KazoomCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor("kazoom-capture", KazoomCapture);
`;

// What to say about each problem: a headline and what to try next.
const PROBLEMS = {
  refused: ["Microphone access was refused", "Allow the microphone for this site in your browser's settings, or upload a recording instead."],
  missing: ["No microphone found", "Plug in or enable a microphone, or upload a recording instead."],
  busy: ["The microphone is busy", "Another application may be using it. Close it and try again, or upload a recording."],
  insecure: ["Listening needs a secure connection", "Open Kazoom over https (or on localhost) to use the microphone, or upload a recording."],
  network: ["Kazoom could not be reached", "Check your connection and try again."],
};
// The problem behind each error getUserMedia throws; any other error counts as NotReadableError.
const MICROPHONE_ERRORS = { NotAllowedError: "refused", SecurityError: "refused", NotFoundError: "missing", NotReadableError: "busy" };

let session = null;

button.addEventListener("click", () => (session ? finish() : start()));
// A result card's "Listen again": listen without scrolling back up to the button first.
result.addEventListener("click", (event) => {
  if (session || !event.target.closest("[data-listen-again]")) return;
  button.focus();
  button.scrollIntoView({ block: "center" });
  start();
});
form.addEventListener("kazoom:outcome", (event) => onOutcome(event.detail.outcome));
form.addEventListener("htmx:sendError", () => {
  stop();
  showProblem("network");
});

async function start() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showProblem("insecure");
    return;
  }
  let stream;
  try {
    // Raw sound: voice processing would treat the music as noise to remove.
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
  } catch (error) {
    const code = error.name in MICROPHONE_ERRORS ? error.name : "NotReadableError";
    showProblem(MICROPHONE_ERRORS[code], code);
    return;
  }
  const context = new AudioContext();
  const moduleUrl = URL.createObjectURL(new Blob([CAPTURE_PROCESSOR], { type: "text/javascript" }));
  await context.audioWorklet.addModule(moduleUrl);
  const node = new AudioWorkletNode(context, "kazoom-capture");
  context.createMediaStreamSource(stream).connect(node);
  node.connect(context.destination); // keeps the graph pulling; the processor outputs silence
  session = { stream, context, node, blocks: [], samples: 0, checkpoint: 0, inFlight: false, recording: true, level: 0 };
  node.port.onmessage = (event) => capture(event.data);
  result.replaceChildren();
  setListening(true);
  requestAnimationFrame(drawMeter);
}

function capture(block) {
  if (!session || !session.recording) return;
  session.blocks.push(block);
  session.samples += block.length;
  session.level = Math.max(session.level * 0.9, rms(block));
  const due = CHECKPOINTS_SECONDS[session.checkpoint];
  if (due !== undefined && seconds() >= due && !session.inFlight) {
    session.checkpoint += 1;
    send(session.checkpoint === CHECKPOINTS_SECONDS.length);
  }
}

function send(final) {
  if (final) stopRecording();
  const wav = encodeWav(session.blocks, session.samples, session.context.sampleRate);
  const transfer = new DataTransfer();
  transfer.items.add(new File([wav], "microphone.wav", { type: "audio/wav" }));
  fileInput.files = transfer.files;
  interimInput.value = final ? "0" : "1";
  session.inFlight = true;
  message.textContent = final ? "Checking the last of it…" : `Checking ${Math.round(seconds())} seconds…`;
  htmx.trigger(form, "submit");
}

function onOutcome(outcome) {
  if (!session) return;
  session.inFlight = false;
  if (outcome === "pending" && session.recording) {
    message.textContent = "Still listening…";
    return;
  }
  stop();
  message.textContent = outcome === "match" ? "Got it." : "Stopped listening.";
}

// The Stop button: recognise what was heard so far, if there is enough of it.
function finish() {
  if (session.inFlight || !session.recording) return;
  if (seconds() >= MIN_SECONDS) {
    session.checkpoint = CHECKPOINTS_SECONDS.length;
    send(true);
  } else {
    stop();
    message.textContent = "Stopped before Kazoom heard enough.";
  }
}

function stopRecording() {
  session.recording = false;
  session.stream.getTracks().forEach((track) => track.stop());
  session.context.close();
  levelBar.style.width = "0";
}

function stop() {
  if (session && session.recording) stopRecording();
  session = null;
  setListening(false);
}

function setListening(listening) {
  button.setAttribute("aria-pressed", String(listening));
  button.classList.toggle("on", listening);
  label.textContent = listening ? "Stop" : "Listen";
  if (listening) message.textContent = "Listening… hold the microphone near the music.";
  else elapsedText.textContent = "";
}

function drawMeter() {
  if (!session || !session.recording) return;
  const decibels = 20 * Math.log10(session.level + 1e-9);
  levelBar.style.width = `${Math.min(100, Math.max(0, (decibels + 60) * (100 / 60)))}%`;
  elapsedText.textContent = `${seconds().toFixed(1)} s`;
  requestAnimationFrame(drawMeter);
}

// The error card the server renders, from the page's <template> of it; `code` is its data-code.
function showProblem(problem, code = problem) {
  const [headline, hint] = PROBLEMS[problem];
  const card = problemCard.content.firstElementChild.cloneNode(true);
  card.dataset.code = code;
  card.querySelector("h2").textContent = headline;
  card.querySelector("p").textContent = hint;
  result.replaceChildren(card);
  message.textContent = headline + ".";
}

function seconds() {
  return session.samples / session.context.sampleRate;
}

function rms(block) {
  let sum = 0;
  for (const sample of block) sum += sample * sample;
  return Math.sqrt(sum / block.length);
}

// 16-bit PCM mono WAV: the one format every decoder reads, so the server needs no codec.
function encodeWav(blocks, sampleCount, sampleRate) {
  const buffer = new ArrayBuffer(44 + sampleCount * 2);
  const view = new DataView(buffer);
  const ascii = (offset, text) => [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + sampleCount * 2, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, sampleCount * 2, true);
  let offset = 44;
  for (const block of blocks) {
    for (const sample of block) {
      view.setInt16(offset, Math.max(-1, Math.min(1, sample)) * 0x7fff, true);
      offset += 2;
    }
  }
  return buffer;
}
