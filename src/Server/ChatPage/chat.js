// The GLM-4V chat page: OpenAI Chat Completions over fetch + SSE, against the same origin only.
// Model output is never parsed as HTML: every node is built with createElement/textContent.
'use strict';

(() => {
  const BEGIN_BOX = '<|begin_of_box|>';
  const END_BOX = '<|end_of_box|>';
  const KEY_STORAGE = 'glm4v.apiKey';

  const $ = (id) => document.getElementById(id);
  const apiBase = document.body.dataset.apiBase || '';
  const ui = {
    model: $('model'), apiKey: $('api-key'), newChat: $('new-chat'), transcript: $('transcript'), status: $('status'),
    composer: $('composer'), attachments: $('attachments'), file: $('file'), input: $('input'), send: $('send'), stop: $('stop'),
  };

  /** The conversation in OpenAI messages format, sent whole each turn. */
  let messages = [];
  /** Data URLs of the images attached to the next message. */
  let pending = [];
  let controller = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function headers() {
    const h = { 'Content-Type': 'application/json' };
    const key = ui.apiKey.value.trim();
    if (key) h.Authorization = 'Bearer ' + key;
    return h;
  }

  /** "Error 401 (invalid_api_key): message" from an OpenAI error object, or the raw body when it is not one. */
  function describeError(status, bodyText) {
    let message = bodyText;
    try {
      const parsed = JSON.parse(bodyText);
      const err = parsed && (parsed.error || (parsed.object === 'error' ? parsed : null));
      if (err) {
        const code = err.code || err.type;
        message = (code ? '(' + code + ') ' : '') + (err.message || JSON.stringify(err));
      }
    } catch { /* not JSON: keep the text */ }
    return (status ? 'Error ' + status + ' ' : 'Error ') + (message || 'without a body');
  }

  // ---- models and API key ----

  async function loadModels() {
    ui.status.textContent = '';
    try {
      const response = await fetch(apiBase + '/v1/models', { headers: headers() });
      const text = await response.text();
      if (!response.ok) { ui.status.textContent = 'Models: ' + describeError(response.status, text); return; }
      const ids = (JSON.parse(text).data || []).map((m) => m.id).filter((id) => typeof id === 'string');
      const previous = ui.model.value;
      ui.model.replaceChildren(...ids.map((id) => { const o = el('option', null, id); o.value = id; return o; }));
      if (ids.includes(previous)) ui.model.value = previous;
      if (ids.length === 0) ui.status.textContent = 'The server lists no models.';
    } catch (e) {
      ui.status.textContent = 'Models: ' + e.message;
    }
  }

  ui.apiKey.value = sessionStorage.getItem(KEY_STORAGE) || '';
  ui.apiKey.addEventListener('change', () => {
    const key = ui.apiKey.value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
    loadModels();
  });

  // ---- attachments (file picker and clipboard) ----

  function readAsDataUrl(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  async function attach(files) {
    for (const file of files) {
      if (!file.type.startsWith('image/')) { ui.status.textContent = file.name + ' is not an image; only images can be attached.'; continue; }
      pending.push(await readAsDataUrl(file));
    }
    renderAttachments();
  }

  function renderAttachments() {
    ui.attachments.replaceChildren(...pending.map((url, i) => {
      const thumb = el('div', 'thumb');
      const img = el('img');
      img.src = url;
      img.alt = 'attachment ' + (i + 1);
      const remove = el('button', null, '×');
      remove.type = 'button';
      remove.title = 'Remove';
      remove.addEventListener('click', () => { pending.splice(i, 1); renderAttachments(); });
      thumb.append(img, remove);
      return thumb;
    }));
  }

  ui.file.addEventListener('change', async () => { await attach([...ui.file.files]); ui.file.value = ''; });
  document.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData ? event.clipboardData.items : [])]
      .filter((item) => item.kind === 'file' && item.type.startsWith('image/'))
      .map((item) => item.getAsFile()).filter(Boolean);
    if (files.length) { event.preventDefault(); attach(files); }
  });

  // ---- grounding boxes ----

  /** The visible answer: box markers removed, and a marker still arriving at the end hidden until it is complete. */
  function visibleText(content) {
    let text = content.split(BEGIN_BOX).join('').split(END_BOX).join('');
    const tail = text.lastIndexOf('<|');
    if (tail >= 0 && !text.includes('|>', tail) && (BEGIN_BOX.startsWith(text.slice(tail)) || END_BOX.startsWith(text.slice(tail)))) {
      text = text.slice(0, tail);
    }
    return text;
  }

  /** Boxes [x1,y1,x2,y2] and points [x,y] inside <|begin_of_box|>…<|end_of_box|>, in thousandths of the image size. */
  function parseGrounding(content) {
    const shapes = [];
    const spans = /<\|begin_of_box\|>([\s\S]*?)<\|end_of_box\|>/g;
    const number = '\\s*(-?\\d+(?:\\.\\d+)?)\\s*';
    for (const span of content.matchAll(spans)) {
      const lists = new RegExp('\\[' + number + ',' + number + '(?:,' + number + ',' + number + ')?\\]', 'g');
      for (const m of span[1].matchAll(lists)) {
        const v = m.slice(1).filter((x) => x !== undefined).map((x) => Math.min(1000, Math.max(0, Number(x))));
        if (v.length === 4 && v[2] > v[0] && v[3] > v[1]) shapes.push({ kind: 'box', v });
        else if (v.length === 2) shapes.push({ kind: 'point', v });
      }
    }
    return shapes;
  }

  function lastUserImage() {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (m.role !== 'user' || !Array.isArray(m.content)) continue;
      const images = m.content.filter((p) => p.type === 'image_url');
      if (images.length) return images[images.length - 1].image_url.url;
    }
    return null;
  }

  /** The last user image with the shapes drawn over it; positions are percentages so they follow the displayed size. */
  function drawGrounding(container, shapes) {
    const url = lastUserImage();
    if (!url || shapes.length === 0) { container.replaceChildren(); return; }
    const figure = el('div', 'grounding');
    const img = el('img');
    img.src = url;
    img.alt = 'grounding on the last image';
    figure.append(img);
    shapes.forEach((shape, i) => {
      const [x1, y1, x2, y2] = shape.v;
      const mark = el('div', shape.kind);
      mark.style.left = (x1 / 10) + '%';
      mark.style.top = (y1 / 10) + '%';
      if (shape.kind === 'box') {
        mark.style.width = ((x2 - x1) / 10) + '%';
        mark.style.height = ((y2 - y1) / 10) + '%';
        mark.append(el('span', 'label', String(i + 1)));
      }
      mark.title = '[' + shape.v.join(', ') + ']';
      figure.append(mark);
    });
    container.replaceChildren(figure);
  }

  // ---- transcript ----

  function addUserMessage(text, images) {
    const node = el('div', 'msg user');
    node.append(el('div', 'role', 'You'), el('div', 'text', text));
    if (images.length) {
      const strip = el('div', 'images');
      for (const url of images) { const img = el('img'); img.src = url; img.alt = 'attached image'; strip.append(img); }
      node.append(strip);
    }
    ui.transcript.append(node);
    node.scrollIntoView({ block: 'end' });
  }

  /** One assistant bubble: folded reasoning, the answer text, tool calls, grounding and errors, updated as chunks arrive. */
  function addAssistantMessage() {
    const node = el('div', 'msg assistant');
    const reasoning = el('details', 'reasoning');
    const summary = el('summary', null, 'Reasoning');
    const reasoningText = el('div', 'text');
    reasoning.append(summary, reasoningText);
    reasoning.hidden = true;
    const answer = el('div', 'text answer');
    const tools = el('div', 'tools');
    const grounding = el('div', 'grounding-host');
    const notes = el('div');
    node.append(el('div', 'role', 'Assistant'), reasoning, answer, tools, grounding, notes);
    ui.transcript.append(node);

    const state = { reasoning: '', content: '', toolCalls: [], finish: null, shapes: '[]' };
    return {
      state,
      addReasoning(delta) { state.reasoning += delta; reasoning.hidden = false; reasoningText.textContent = state.reasoning; },
      addContent(delta) {
        state.content += delta;
        answer.textContent = visibleText(state.content);
        const shapes = parseGrounding(state.content);
        const key = JSON.stringify(shapes);
        if (key !== state.shapes) { state.shapes = key; drawGrounding(grounding, shapes); } // redraw only when a shape completes
      },
      addToolCalls(deltas) {
        for (const d of deltas) {
          const index = typeof d.index === 'number' ? d.index : state.toolCalls.length;
          const call = state.toolCalls[index] || (state.toolCalls[index] = { id: '', type: 'function', function: { name: '', arguments: '' } });
          if (d.id) call.id = d.id;
          if (d.function && d.function.name) call.function.name += d.function.name;
          if (d.function && d.function.arguments) call.function.arguments += d.function.arguments;
        }
        tools.replaceChildren(...state.toolCalls.filter(Boolean).map((call) => {
          const box = el('div', 'tool-call');
          let args = call.function.arguments;
          try { args = JSON.stringify(JSON.parse(args), null, 2); } catch { /* still streaming */ }
          box.append(el('span', 'name', '🔧 ' + call.function.name), el('pre', 'arguments', args));
          return box;
        }));
      },
      error(text) { notes.append(el('div', 'error', text)); },
      note(text) { notes.append(el('div', 'note', text)); },
      scroll() { node.scrollIntoView({ block: 'end' }); },
    };
  }

  // ---- streaming ----

  /** Calls onEvent with the data of each SSE event; returns when the stream ends or after [DONE]. */
  async function readEvents(body, onEvent) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
        const data = block.split(/\r?\n/).filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, '')).join('\n');
        if (!data) continue;
        if (data === '[DONE]') { reader.cancel().catch(() => {}); return; }
        onEvent(data);
      }
    }
  }

  function setBusy(busy) {
    ui.send.disabled = busy;
    ui.stop.disabled = !busy;
  }

  async function send() {
    const text = ui.input.value.trim();
    if (controller || (!text && pending.length === 0)) return;
    if (!ui.model.value) { ui.status.textContent = 'No model selected: the server listed none at /v1/models.'; return; }
    ui.status.textContent = '';

    const images = pending;
    const content = images.length === 0 ? text
      : [...(text ? [{ type: 'text', text }] : []), ...images.map((url) => ({ type: 'image_url', image_url: { url } }))];
    messages.push({ role: 'user', content });
    addUserMessage(text, images);
    ui.input.value = '';
    pending = [];
    renderAttachments();

    const bubble = addAssistantMessage();
    controller = new AbortController();
    setBusy(true);
    try {
      const response = await fetch(apiBase + '/v1/chat/completions', {
        method: 'POST', headers: headers(), signal: controller.signal,
        body: JSON.stringify({ model: ui.model.value, messages, stream: true }),
      });
      if (!response.ok || !response.body) {
        bubble.error(describeError(response.status, await response.text()));
        return;
      }
      await readEvents(response.body, (data) => {
        let chunk;
        try { chunk = JSON.parse(data); } catch { bubble.error('Unreadable chunk from the server: ' + data); return; }
        if (chunk.error || chunk.object === 'error') { bubble.error(describeError(null, data)); return; }
        const choice = (chunk.choices || []).find((c) => (c.index || 0) === 0);
        if (!choice) return;
        const delta = choice.delta || {};
        if (delta.reasoning_content) bubble.addReasoning(delta.reasoning_content);
        if (delta.content) bubble.addContent(delta.content);
        if (Array.isArray(delta.tool_calls)) bubble.addToolCalls(delta.tool_calls);
        if (choice.finish_reason) bubble.state.finish = choice.finish_reason;
        bubble.scroll();
      });
      if (bubble.state.finish === 'length') bubble.note('Stopped at the token limit.');
    } catch (e) {
      if (e.name === 'AbortError') bubble.note('Stopped.');
      else bubble.error('Request failed: ' + e.message);
    } finally {
      const s = bubble.state;
      const calls = s.toolCalls.filter(Boolean);
      // The raw content (box markers included) goes back to the model, as it produced it.
      if (messages.length && messages[messages.length - 1].role === 'user') {
        if (s.content || calls.length) {
          const reply = { role: 'assistant', content: s.content };
          if (calls.length) reply.tool_calls = calls;
          messages.push(reply);
        } else {
          messages.pop(); // a turn without an answer is not history: the next turn should not carry two user messages
        }
      }
      controller = null;
      setBusy(false);
      ui.input.focus();
    }
  }

  ui.composer.addEventListener('submit', (event) => { event.preventDefault(); send(); });
  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); send(); }
  });
  ui.stop.addEventListener('click', () => { if (controller) controller.abort(); });
  ui.newChat.addEventListener('click', () => {
    if (controller) controller.abort();
    messages = [];
    pending = [];
    renderAttachments();
    ui.transcript.replaceChildren();
  });

  loadModels();
})();
