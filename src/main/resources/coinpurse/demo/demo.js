// The coinpurse demo pages: plain JavaScript, no build step, no dependencies.
// The user token is kept in this tab's sessionStorage only, and taken out of the address at once.
'use strict';

(function () {
  const TOKEN_KEY = 'coinpurse.demo.token';
  const POLL_EVERY_MS = 1500;
  const POLL_AT_MOST = 80; // two minutes: long enough for `stripe listen` to forward the webhook

  function $(id) {
    return document.getElementById(id);
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  // /#token=… (never sent to the server) or /?token=…: kept, then removed from the address and history.
  function takeTokenFromAddress() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const query = new URLSearchParams(location.search);
    const given = fragment.get('token') || query.get('token');
    if (!given) {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, given.trim());
    query.delete('token');
    const rest = query.toString();
    history.replaceState(null, '', location.pathname + (rest ? '?' + rest : ''));
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (token()) {
      headers.Authorization = 'Bearer ' + token();
    }
    const init = { method: method, headers: headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      return { status: 0, data: { message: 'The server cannot be reached.' } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    return { status: response.status, data: data };
  }

  function messageOf(answer) {
    return answer.data && answer.data.message ? answer.data.message : 'The server answered HTTP ' + answer.status + '.';
  }

  function say(text) {
    const box = $('message');
    box.textContent = text;
    box.hidden = !text;
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function price(pack) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: pack.currency.toUpperCase() })
        .format(pack.price_usd);
    } catch (e) {
      return pack.price_usd + ' ' + pack.currency;
    }
  }

  // With the sandbox on (/health says "stripe": "sandbox"), this server can sign in by name and
  // plays Stripe's Checkout itself.
  let sandboxOn = null;
  async function sandbox() {
    if (sandboxOn === null) {
      const health = await api('GET', '/health');
      sandboxOn = health.status === 200 && health.data.stripe === 'sandbox';
    }
    return sandboxOn;
  }

  // ---- the user's events, live: GET /api/coins/stream ----
  // EventSource cannot send the Authorization header this page signs in with, so the stream is read
  // with fetch. A dropped stream is opened again with Last-Event-ID (no event lost, none twice);
  // onOpen runs on each open, after which every new event arrives; onFail runs once the stream
  // cannot be had (an old server, a proxy that buffers), and the page falls back to asking.
  const STREAM_RETRIES = 6; // at once, then after 1, 2, 4, 8 and 16 s: a restart takes a second or two

  function follow(onEvent, onOpen, onFail) {
    const stop = new AbortController();
    let lastId = null;
    let failures = 0;

    async function connect() {
      const headers = { Accept: 'text/event-stream', Authorization: 'Bearer ' + token() };
      if (lastId !== null) {
        headers['Last-Event-ID'] = lastId;
      }
      let response;
      try {
        response = await fetch('/api/coins/stream', { headers: headers, cache: 'no-store', signal: stop.signal });
      } catch (e) {
        return again();
      }
      if (response.status !== 200 || !response.body) {
        return response.status >= 500 ? again() : onFail();
      }
      failures = 0;
      onOpen();
      try {
        await read(response.body.pipeThrough(new TextDecoderStream()).getReader());
      } catch (e) {
        // the connection broke: open it again below
      }
      again();
    }

    // One event per blank line; `id:` is its sequence, `event:` its type, `data:` its JSON.
    async function read(reader) {
      let text = '';
      let event = {};
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          return;
        }
        text += chunk.value;
        let end;
        while ((end = text.indexOf('\n')) >= 0) {
          const line = text.slice(0, end).replace(/\r$/, '');
          text = text.slice(end + 1);
          if (line === '') {
            if (event.data !== undefined) {
              lastId = event.id !== undefined ? event.id : lastId;
              onEvent(event.type || 'message', JSON.parse(event.data));
            }
            event = {};
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') {
              event.id = value;
            } else if (field === 'event') {
              event.type = value;
            } else if (field === 'data') {
              event.data = event.data === undefined ? value : event.data + '\n' + value;
            }
          }
        }
      }
    }

    function again() {
      if (stop.signal.aborted) {
        return;
      }
      failures += 1;
      if (failures > STREAM_RETRIES) {
        onFail();
        return;
      }
      setTimeout(connect, failures === 1 ? 0 : 1000 * 2 ** (failures - 2));
    }

    connect();
    return stop;
  }

  // ---- the shop: sign in, balance, packages, Buy ----

  async function showSignIn() {
    show('account', false);
    const byName = await sandbox();
    show('sandbox-sign-in', byName);
    show('sign-in', !byName);
  }

  async function signInByName(event) {
    event.preventDefault();
    const name = $('sandbox-user').value.trim();
    if (!name) {
      return;
    }
    const answer = await api('POST', '/sandbox/sign-in', { user_id: name });
    if (answer.status !== 200) {
      say(messageOf(answer));
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, answer.data.token);
    say('');
    loadAccount();
  }

  // The balance moves as the user's coins do: each coins.* event carries the balance after it.
  let following = null;
  function followBalance() {
    if (following) {
      following.abort();
    }
    following = follow((type, event) => {
      if (type.startsWith('coins.')) {
        $('balance').textContent = event.data.balance_after;
      }
    }, async () => {
      // Read once the stream is open, so that no change falls between the two.
      const answer = await api('GET', '/api/coins/balance');
      if (answer.status === 200) {
        $('balance').textContent = answer.data.balance;
      }
    }, () => {
      following = null;
    });
  }

  async function loadAccount() {
    if (!token()) {
      await showSignIn();
      return;
    }
    const answer = await api('GET', '/api/coins/balance');
    if (answer.status === 200) {
      $('user').textContent = answer.data.user_id;
      $('balance').textContent = answer.data.balance;
      show('sign-in', false);
      show('sandbox-sign-in', false);
      show('account', true);
      followBalance();
      return;
    }
    if (answer.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      say('That token was refused: ' + messageOf(answer));
    } else {
      say(messageOf(answer));
    }
    await showSignIn();
  }

  async function loadPackages() {
    const list = $('packages');
    const answer = await api('GET', '/api/payment/packages');
    list.textContent = '';
    if (answer.status !== 200) {
      say('The packages cannot be loaded: ' + messageOf(answer));
      return;
    }
    for (const pack of answer.data.packages) {
      list.appendChild(packageCard(pack));
    }
  }

  function packageCard(pack) {
    const item = document.createElement('li');
    item.className = 'package';
    item.dataset.packageId = pack.id;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = pack.name;
    const coins = document.createElement('span');
    coins.className = 'coins';
    coins.textContent = pack.coins + ' coins';
    item.append(name, coins);
    if (pack.bonus > 0) {
      const bonus = document.createElement('span');
      bonus.className = 'bonus';
      bonus.textContent = '+ ' + pack.bonus + ' bonus';
      item.appendChild(bonus);
    }
    const cost = document.createElement('span');
    cost.className = 'price';
    cost.textContent = price(pack);
    const buy = document.createElement('button');
    buy.type = 'button';
    buy.className = 'buy';
    buy.textContent = 'Buy';
    buy.addEventListener('click', () => buyPackage(pack.id, buy));
    item.append(cost, buy);
    return item;
  }

  async function buyPackage(packageId, button) {
    if (!token()) {
      say('Sign in first, above.');
      return;
    }
    say('');
    button.disabled = true;
    const origin = location.origin;
    const answer = await api('POST', '/api/payment/create-checkout-session', {
      package_id: packageId,
      success_url: origin + '/demo/success.html?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: origin + '/demo/cancel.html',
    });
    if (answer.status === 200) {
      location.assign(answer.data.checkout_url);
      return;
    }
    button.disabled = false;
    say(buyFailure(answer, origin));
  }

  // Checkout returns the buyer to this page's origin: the server must allow it as a redirect target.
  function buyFailure(answer, origin) {
    const text = messageOf(answer);
    return answer.status === 400 && /allowed origins/.test(text)
      ? text + ' To use this demo, add ' + origin + ' to app.allowed_redirect_origins, and restart the server.'
      : text;
  }

  function shop() {
    $('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const given = $('token').value.trim();
      if (given) {
        sessionStorage.setItem(TOKEN_KEY, given);
        $('token').value = '';
        say('');
        loadAccount();
      }
    });
    $('sandbox-sign-in-form').addEventListener('submit', signInByName);
    $('sign-out').addEventListener('click', () => {
      if (following) {
        following.abort();
        following = null;
      }
      sessionStorage.removeItem(TOKEN_KEY);
      loadAccount();
    });
    loadAccount();
    loadPackages();
  }

  // ---- back from Checkout ----

  async function success() {
    const sessionId = new URLSearchParams(location.search).get('session_id');
    if (!sessionId) {
      $('status').textContent = 'unknown';
      say('This page expects ?session_id=… from Stripe Checkout.');
      return;
    }
    $('session-id').textContent = sessionId;
    if (await sandbox()) {
      $('sandbox-link').href = '/sandbox/checkout/' + encodeURIComponent(sessionId);
      show('sandbox', true);
    }
    if (!token()) {
      $('status').textContent = 'unknown';
      say('Signed out: open the shop, sign in again, and come back to this address.');
      return;
    }
    // The purchase's purchase.updated event says when it completes; the status route is read once,
    // when the stream is open, and polled only if the stream cannot be had.
    let settled = false;
    let polling = false;
    const showStatus = (data) => {
      if (data.status === 'completed') {
        $('coins-added').textContent = data.coins_added;
        $('new-balance').textContent = data.new_balance;
        show('result', true);
      }
      $('status').textContent = data.status === 'pending' ? 'waiting for the payment to be confirmed…' : data.status;
      settled = settled || data.status !== 'pending';
    };
    const stream = follow((type, event) => {
      if (type === 'purchase.updated' && event.data.session_id === sessionId) {
        showStatus(event.data);
      }
    }, async () => {
      if (settled) {
        return;
      }
      const answer = await api('GET', '/api/payment/status/' + encodeURIComponent(sessionId));
      if (answer.status !== 200) {
        $('status').textContent = 'unknown';
        say(messageOf(answer));
        stream.abort();
        return;
      }
      if (!settled) {
        showStatus(answer.data);
      }
    }, () => {
      if (!settled && !polling) {
        polling = true;
        pollStatus(sessionId);
      }
    });
  }

  async function pollStatus(sessionId) {
    for (let attempt = 1; attempt <= POLL_AT_MOST; attempt++) {
      const answer = await api('GET', '/api/payment/status/' + encodeURIComponent(sessionId));
      if (answer.status !== 200) {
        $('status').textContent = 'unknown';
        say(messageOf(answer));
        return;
      }
      const status = answer.data.status;
      if (status === 'completed') {
        $('status').textContent = 'completed';
        $('coins-added').textContent = answer.data.coins_added;
        $('new-balance').textContent = answer.data.new_balance;
        show('result', true);
        return;
      }
      if (status !== 'pending') {
        $('status').textContent = status;
        return;
      }
      $('status').textContent = 'waiting for the payment to be confirmed…';
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
    say('Still pending. Is the webhook set up (stripe listen --forward-to …/api/payment/webhook)?');
  }

  async function cancel() {
    if (!token()) {
      return;
    }
    const answer = await api('GET', '/api/coins/balance');
    if (answer.status === 200) {
      $('balance').textContent = answer.data.balance;
      show('account', true);
    }
  }

  takeTokenFromAddress();
  const pages = { shop: shop, success: success, cancel: cancel };
  pages[document.body.dataset.page]();
})();
