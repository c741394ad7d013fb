// The microphone's capture processor (listen.js loads it): it runs on the audio thread and only
// hands each block of samples over. A file of its own, so the Content-Security-Policy's
// script-src needs nothing but 'self'.

class KazoomCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor("kazoom-capture", KazoomCapture);
