// The offline page retries by itself (it is served by the service worker in place of a page that could
// not be reached): when the browser says it is back online, and every 5 s before that (up to 60 s apart),
// it asks the server for the page it stands in for and reloads once the server answers. External, not
// inline: the edge's Content-Security-Policy allows scripts from this origin only.
(() => {
  const status = document.getElementById("retry-status");
  let delay = 5000;
  let timer;
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const schedule = () => {
    clearTimeout(timer);
    say(`Trying again in ${Math.round(delay / 1000)} seconds.`);
    timer = setTimeout(attempt, delay);
    delay = Math.min(delay * 2, 60000);
  };
  const attempt = async () => {
    say("Trying again…");
    try {
      // A plain (non-navigation) request: the service worker leaves it to the network.
      const response = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
      if (response.status < 500) {
        location.reload();
        return;
      }
    } catch {
      // Still offline.
    }
    schedule();
  };
  window.addEventListener("online", () => {
    delay = 5000;
    void attempt();
  });
  schedule();
})();
