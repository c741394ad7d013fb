// A result card's "Share this result": the device's share sheet (Web Share API) where the
// browser has one, else the permalink copied to the clipboard, said in the card's status line.
// Without this module, or without either API, the link simply opens the permalink.

const SAID_FOR_MS = 4000;

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-share]");
  if (!link || !(navigator.share || navigator.clipboard)) return;
  event.preventDefault();
  share(link);
});

async function share(link) {
  const url = new URL(link.href, document.baseURI).href;
  if (navigator.share) {
    try {
      await navigator.share({ title: link.dataset.shareTitle, url });
      return;
    } catch (error) {
      if (error.name === "AbortError") return; // the person closed the share sheet
    }
  }
  try {
    await navigator.clipboard.writeText(url);
    say(link, "Link copied");
  } catch {
    window.location.assign(url); // no clipboard for this page: open the permalink instead
  }
}

function say(link, words) {
  const status = link.parentElement.querySelector(".share-status");
  status.textContent = words;
  clearTimeout(status.clearing);
  status.clearing = setTimeout(() => (status.textContent = ""), SAID_FOR_MS);
}
