// The coinpurse sandbox's Checkout page: plain JavaScript, no build step, no dependencies.
// It reads its session from the address (/sandbox/checkout/{session_id}) and changes it only through
// this server's /sandbox/sessions/… routes, which send Stripe's events to coinpurse's webhook.
'use strict';

(function () {
  const sessionId = decodeURIComponent(location.pathname.split('/').pop());
  const base = '/sandbox/sessions/' + encodeURIComponent(sessionId);

  function $(id) {
    return document.getElementById(id);
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function say(text) {
    $('message').textContent = text;
    show('message', Boolean(text));
  }

  async function api(method, path, body) {
    const init = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
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

  // Amounts are whole cents, as Stripe's; shown in the currency's units.
  function money(cents, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() })
        .format(cents / 100);
    } catch (e) {
      return (cents / 100).toFixed(2) + ' ' + currency;
    }
  }

  // "5", "5.5" or "5.50" → 550; anything else → null. No floating point: 19.99 stays 1999.
  function cents(text) {
    const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
    if (!match) {
      return null;
    }
    return Number(match[1]) * 100 + Number((match[2] || '0').padEnd(2, '0'));
  }

  function render(view) {
    show('loading', false);
    const pack = view.package;
    $('title').textContent = view.status === 'open' ? 'Checkout' : 'Payment';
    $('session').textContent = 'Checkout Session ' + view.session_id;
    $('package-name').textContent = pack.name;
    $('coins').textContent = pack.coins + ' coins' + (pack.bonus > 0 ? ' + ' + pack.bonus + ' bonus' : '');
    $('amount').textContent = money(view.amount, view.currency);
    show('order', true);

    const open = view.status === 'open';
    show('checkout', open);
    if (open) {
      $('pay').textContent = 'Pay ' + money(view.amount, view.currency);
      $('cancel').href = view.cancel_url;
    } else if (!view.payment) {
      say('This Checkout Session is ' + view.status + ': it can no longer be paid.');
    }
    show('payment', Boolean(view.payment));
    if (view.payment) {
      renderPayment(view);
    }
  }

  function renderPayment(view) {
    const payment = view.payment;
    const open = payment.disputes.find((d) => d.status === 'needs_response');
    const lost = payment.disputes.some((d) => d.status === 'lost');
    $('status').textContent = payment.refunded ? 'refunded' : 'paid';
    $('refunded').textContent = money(payment.amount_refunded, view.currency);
    $('charged').textContent = money(view.amount, view.currency);
    $('refund-currency').textContent = view.currency.toUpperCase();

    const refundable = payment.refundable > 0 && !open && !lost;
    show('refund-form', refundable);
    show('refund-closed', !refundable);
    $('refund-closed').textContent = payment.refundable === 0 ? 'Fully refunded.'
      : 'Stripe does not refund a disputed charge' + (lost ? ' (the dispute was lost).' : ' while the dispute is open.');
    if (refundable) {
      $('refund-amount').value = (payment.refundable / 100).toFixed(2);
    }

    const last = payment.disputes[payment.disputes.length - 1];
    $('dispute-state').textContent = last
      ? 'Dispute ' + last.id + ' (' + money(last.amount, view.currency) + '): '
        + (last.status === 'needs_response' ? 'open, funds withdrawn' : last.status)
      : 'No dispute.';
    show('open-dispute', !open && !lost && payment.refundable > 0);
    show('win-dispute', Boolean(open));
    show('lose-dispute', Boolean(open));

    const list = $('events');
    list.textContent = '';
    for (const event of view.events) {
      const item = document.createElement('li');
      const type = document.createElement('code');
      type.textContent = event.type;
      item.appendChild(type);
      item.append(event.webhook_status === null ? ' → not delivered' : ' → ' + event.webhook_status);
      if (event.webhook_status === null || event.webhook_status >= 300) {
        item.className = 'failed';
      }
      list.appendChild(item);
    }
    $('back').href = view.success_url;
  }

  async function load() {
    const answer = await api('GET', base);
    if (answer.status !== 200) {
      show('loading', false);
      say(messageOf(answer));
      return;
    }
    render(answer.data);
  }

  // Runs one change; the server answers once the webhook has taken its events.
  async function change(button, path, body) {
    say('');
    button.disabled = true;
    const answer = await api('POST', base + path, body);
    button.disabled = false;
    if (answer.status === 200) {
      render(answer.data);
    } else {
      say(messageOf(answer));
    }
  }

  $('pay-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    say('');
    $('pay').disabled = true;
    const answer = await api('POST', base + '/pay', { card_number: $('card-number').value });
    if (answer.status === 200) {
      location.assign(answer.data.redirect_url);
      return;
    }
    $('pay').disabled = false;
    say(messageOf(answer));
  });

  $('refund-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const amount = cents($('refund-amount').value);
    if (amount === null || amount <= 0) {
      say('Give an amount such as 5.00.');
      return;
    }
    change($('refund'), '/refunds', { amount: amount });
  });
  $('open-dispute').addEventListener('click', () => change($('open-dispute'), '/disputes', {}));
  $('win-dispute').addEventListener('click', () => change($('win-dispute'), '/disputes/close', { outcome: 'won' }));
  $('lose-dispute').addEventListener('click', () => change($('lose-dispute'), '/disputes/close', { outcome: 'lost' }));

  load();
})();
