// Kazoom's microphone: records in the browser (Web Audio), encodes the audio so far as WAV at
// the engine's analysis rate (mono, 16-bit, resampled here: a quarter of the bytes of 44.1 kHz)
// and posts it through the hidden htmx form at about 3, 6 and 10 seconds, stopping at the first
// answer that is not "still listening". The server sends the outcome back as a `kazoom:outcome`
// event (HX-Trigger-After-Swap), so this module never parses the result card. Its own problems
// (no microphone, no permission, no connection) fill in the page's copy of the error card.

const CHECKPOINTS_SECONDS = [3, 6, 10];

const button = document.getElementById("listen");
const label = button.querySelector(".listen-label");
const form = document.getElementById("mic-form");
// The shortest clip the server recognises: the engine config's min_query_seconds.
const MIN_SECONDS = Number(form.dataset.minSeconds);
// The engine's analysis rate, and the highest frequency it analyses (fingerprints/config.py).
const SEND_RATE = Number(form.dataset.sampleRate);
const KEEP_HZ = Number(form.dataset.keepHz);
const fileInput = form.querySelector('input[type="file"]');
const interimInput = form.querySelector('input[name="interim"]');
const message = document.getElementById("listen-message");
const levelBar = document.getElementById("level");
const elapsedText = document.getElementById("elapsed");
const result = document.getElementById("result");
const problemCard = document.getElementById("problem-card");

// The capture processor, beside this module: it hands each block of samples over.
const CAPTURE_PROCESSOR_URL = new URL("capture-processor.js", import.meta.url);

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
  await context.audioWorklet.addModule(CAPTURE_PROCESSOR_URL);
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
  // A microphone slower than the analysis rate is sent as it is: the server resamples it.
  const rate = Math.min(session.context.sampleRate, SEND_RATE);
  const heard = joined(session.blocks, session.samples);
  const wav = encodeWav(resample(heard, session.context.sampleRate, rate), rate);
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

function joined(blocks, sampleCount) {
  const samples = new Float32Array(sampleCount);
  let offset = 0;
  for (const block of blocks) {
    samples.set(block, offset);
    offset += block.length;
  }
  return samples;
}

// How finely the low-pass kernel is tabulated, in steps per input sample.
const KERNEL_STEPS = 64;

// `input` at `fromRate` resampled to `toRate` through a windowed-sinc (Blackman) low-pass that
// keeps everything up to KEEP_HZ and stops everything that would fold back below it: from
// toRate − KEEP_HZ up. Each output sample is the kernel centred on its place in the input.
function resample(input, fromRate, toRate) {
  if (fromRate === toRate) return input;
  const cutoff = toRate / 2 / fromRate; // cycles per input sample
  const transition = (toRate - 2 * KEEP_HZ) / fromRate;
  const half = Math.ceil(2.75 / transition); // a Blackman window's 5.5 / width, each side
  const kernel = new Float32Array(2 * half * KERNEL_STEPS + 1);
  for (let i = 0; i < kernel.length; i++) {
    const x = i / KERNEL_STEPS - half;
    const sinc = x === 0 ? 1 : Math.sin(2 * Math.PI * cutoff * x) / (2 * Math.PI * cutoff * x);
    const u = i / (kernel.length - 1);
    const window = 0.42 - 0.5 * Math.cos(2 * Math.PI * u) + 0.08 * Math.cos(4 * Math.PI * u);
    kernel[i] = 2 * cutoff * sinc * window;
  }
  const step = fromRate / toRate;
  const output = new Float32Array(Math.floor(input.length / step));
  for (let n = 0; n < output.length; n++) {
    const centre = n * step;
    const first = Math.max(0, Math.ceil(centre - half));
    const last = Math.min(input.length - 1, Math.floor(centre + half));
    let sum = 0;
    for (let k = first; k <= last; k++) {
      sum += input[k] * kernel[Math.round((k - centre + half) * KERNEL_STEPS)];
    }
    output[n] = sum;
  }
  return output;
}

// 16-bit PCM mono WAV: the one format every decoder reads, so the server needs no codec.
function encodeWav(samples, sampleRate) {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const ascii = (offset, text) => [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
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
  view.setUint32(40, samples.length * 2, true);
  samples.forEach((sample, i) => view.setInt16(44 + 2 * i, Math.max(-1, Math.min(1, sample)) * 0x7fff, true));
  return buffer;
}
