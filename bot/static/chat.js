// The web chat page's script (bot/static/index.html), served as GET /chat.js.
"use strict";
const log = document.getElementById("log");
const form = document.getElementById("form");
const input = document.getElementById("text");
const user = sessionStorage.getItem("localsupport-user") ||
  "web-" + Math.random().toString(36).slice(2, 10);
sessionStorage.setItem("localsupport-user", user);

function look() { return document.querySelector("input[name=look]:checked").value; }

function telegramNodes(markup) {
  // Telegram HTML as DOM nodes: bold stays bold, everything else is plain text.
  const doc = new DOMParser().parseFromString("<body>" + markup + "</body>", "text/html");
  const out = document.createDocumentFragment();
  for (const node of doc.body.childNodes) {
    if (node.nodeName === "B") {
      const b = document.createElement("strong");
      b.textContent = node.textContent;
      out.append(b);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function add(who, kind, content, meta) {
  const li = document.createElement("li");
  li.className = who + " " + kind;
  const bubble = document.createElement("div");
  bubble.className = "bubble reply";
  if (typeof content === "string") bubble.textContent = content; else bubble.append(content);
  const label = document.createElement("span");
  label.className = "meta";
  label.textContent = meta;
  li.append(label, bubble);
  log.append(li);
  return li;
}

function reveal(li) {
  // The newest message's end, its choices included, just above the message box
  li.scrollIntoView({block: "end"});
}

function keepClearOfForm() {
  // The message box stays at the bottom of the window: what is scrolled (or tabbed) into
  // view stops above it, however tall it is at this width and zoom
  document.documentElement.style.scrollPaddingBottom = form.offsetHeight + "px";
}

function addChoices(li, choices, kind) {
  if (!choices.length) return;
  const row = document.createElement("div");
  row.className = "choices";
  row.setAttribute("role", "group");
  row.setAttribute("aria-label", "Choices");
  choices.forEach((label, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = kind === "sms" ? (i + 1) + ". " + label : label;
    button.addEventListener("click", () => kind === "sms"
      ? send(String(i + 1), null) : send(label, i));
    row.append(button);
  });
  li.append(row);
}

async function send(text, choice) {
  const kind = look();
  // Choices answer the message they came with: an older one pressed later would answer
  // whatever has been asked since (its "1" an age), as a text could not
  for (const old of log.querySelectorAll(".choices button")) old.disabled = true;
  reveal(add("me", kind, text === "" ? "(empty message)" : text, "You"));
  try {
    const response = await fetch("/web/message", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({user, text, channel: kind, choice})});
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    if (!data.replies.length) reveal(add("them", kind, "(no reply)", "Local Support"));
    for (const reply of data.replies) {
      const meta = kind === "sms"
        ? "Local Support, SMS (" + reply.segments + (reply.segments === 1 ? " text)" : " texts)")
        : "Local Support, Telegram";
      const content = kind === "sms" ? reply.text : telegramNodes(reply.html);
      const li = add("them", kind, content, meta);
      addChoices(li, reply.choices, kind);
      reveal(li);
    }
  } catch (error) {
    reveal(add("them", "error", "Sorry, that did not work: " + error.message, "Error"));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = "";
  send(text, null);
  input.focus();
});
new ResizeObserver(keepClearOfForm).observe(form);
input.focus();
