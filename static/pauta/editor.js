/*
 * The post editor: a live character counter per selected network, a preview per channel, and the
 * workspace's style check with underlined findings and one-click fixes.
 *
 * Counting happens here on every keystroke, the way each network counts (Mastodon: 500 characters,
 * every http(s) link as 23; Bluesky: 300 graphemes). The server's answer from the lint endpoint,
 * computed by the same code as the pre-flight, replaces these numbers when it arrives.
 * Plain script, no build step, no external requests.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-post-editor]");
  if (!form) {
    return;
  }
  var strings = JSON.parse(document.getElementById("editor-strings").textContent);
  var LIMITS = { mastodon: 500, bluesky: 300 };
  var MASTODON_URL_LENGTH = 23;
  var body = form.querySelector("[data-editor-body]");
  var channelBoxes = Array.prototype.slice.call(form.querySelectorAll("input[name=channels]"));
  var counters = form.querySelector("[data-counters]");
  var previews = form.querySelector("[data-previews]");
  var lintBox = form.querySelector("[data-lint]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
  var serverCounts = {};
  var lintTimer = null;
  var lintSeq = 0;

  var LINK = /(?<![\p{L}\p{N}_@.\-\/:])(?:(https?):\/\/|(?=www\.))[^\s<>"`{}|\\^\p{So}\p{Cf}\p{Zs}]+/giu;
  var MENTION = /(?<![\p{L}\p{N}_@\/])@([\p{L}\p{N}_]+(?:[\p{L}\p{N}_.\-]*[\p{L}\p{N}_])?)(?:@([\p{L}\p{N}_\-]+(?:\.[\p{L}\p{N}_\-]+)+))?/gu;
  var TRAILING = ".,;:!?¡¿'\"*_~…»«“”‘’‹›。、，！？：；";
  var BRACKETS = { ")": "(", "]": "[", "}": "{" };

  function graphemes(text) {
    if (!text) {
      return 0;
    }
    if (segmenter) {
      var n = 0;
      for (var _ of segmenter.segment(text)) {
        n += 1;
      }
      return n;
    }
    return Array.from(text).length;
  }

  function count(haystack, needle) {
    return haystack.split(needle).length - 1;
  }

  /* Trailing punctuation is not part of a link; a closing bracket is, when it balances one inside. */
  function trimLink(url) {
    while (url) {
      var last = url.charAt(url.length - 1);
      if (BRACKETS[last]) {
        if (count(url, BRACKETS[last]) >= count(url, last)) {
          break;
        }
        url = url.slice(0, -1);
      } else if (TRAILING.indexOf(last) !== -1) {
        url = url.slice(0, -1);
      } else {
        break;
      }
    }
    return url;
  }

  function findLinks(text) {
    var found = [];
    LINK.lastIndex = 0;
    var match;
    while ((match = LINK.exec(text)) !== null) {
      var url = trimLink(match[0]);
      if (url.length > 4) {
        found.push({ start: match.index, end: match.index + url.length, hasScheme: Boolean(match[1]) });
      }
    }
    return found;
  }

  function mastodonLength(text) {
    var entities = findLinks(text)
      .filter(function (link) { return link.hasScheme; })
      .map(function (link) { return { start: link.start, end: link.end, cost: MASTODON_URL_LENGTH }; });
    MENTION.lastIndex = 0;
    var match;
    while ((match = MENTION.exec(text)) !== null) {
      var start = match.index;
      var inLink = entities.some(function (e) { return e.start <= start && start < e.end; });
      if (match[2] && !inLink) {
        entities.push({ start: start, end: start + match[0].length, cost: 1 + graphemes(match[1]) });
      }
    }
    entities.sort(function (a, b) { return a.start - b.start; });
    var total = 0;
    var position = 0;
    entities.forEach(function (entity) {
      total += graphemes(text.slice(position, entity.start)) + entity.cost;
      position = entity.end;
    });
    return total + graphemes(text.slice(position));
  }

  function localLength(text, network) {
    return network === "mastodon" ? mastodonLength(text) : graphemes(text);
  }

  function variantField(channelId) {
    return form.querySelector('[data-variant-for="' + channelId + '"]');
  }

  function selectedChannels() {
    return channelBoxes.filter(function (box) { return box.checked; }).map(function (box) {
      var variant = variantField(box.value);
      var own = variant && variant.value.trim() ? variant : null;
      var label = box.closest(".form-check");
      return {
        id: box.value,
        network: box.dataset.network || "",
        name: label ? label.textContent.trim() : box.value,
        field: own || body,
        source: own ? "variant-" + box.value : "body",
        text: (own || body).value,
      };
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function toggleVariants() {
    channelBoxes.forEach(function (box) {
      var wrapper = form.querySelector('[data-variant-wrapper="' + box.value + '"]');
      if (wrapper) {
        wrapper.hidden = !box.checked;
      }
    });
  }

  function renderCounters(channels) {
    counters.replaceChildren();
    var seen = {};
    channels.forEach(function (channel) {
      var limit = LIMITS[channel.network];
      var key = channel.network + "|" + channel.source;
      if (!limit || seen[key]) {
        return;
      }
      seen[key] = true;
      var server = serverCounts[channel.id];
      var length = server && server.text === channel.text ? server.length : localLength(channel.text, channel.network);
      var over = length > limit;
      var badge = el("span", "badge me-2 counter " + (over ? "text-bg-danger" : "text-bg-light border"));
      badge.textContent = strings.networks[channel.network] + " " + length + " / " + limit + " " + strings.units[channel.network];
      badge.dataset.network = channel.network;
      badge.dataset.length = String(length);
      if (channel.source !== "body") {
        badge.textContent += " · " + channel.name;
      }
      if (over) {
        badge.textContent += " — " + strings.overLimit.replace("%(count)s", String(length - limit));
      }
      counters.appendChild(badge);
    });
  }

  function linkified(text, overflowAt) {
    var fragment = document.createDocumentFragment();
    var links = findLinks(text);
    var position = 0;
    function plain(from, to) {
      if (to <= from) {
        return;
      }
      if (overflowAt !== null && overflowAt !== undefined && overflowAt < to) {
        var cut = Math.max(overflowAt, from);
        fragment.appendChild(document.createTextNode(text.slice(from, cut)));
        fragment.appendChild(el("span", "preview-overflow", text.slice(cut, to)));
      } else {
        fragment.appendChild(document.createTextNode(text.slice(from, to)));
      }
    }
    links.forEach(function (link) {
      plain(position, link.start);
      fragment.appendChild(el("span", "preview-link", text.slice(link.start, link.end)));
      position = link.end;
    });
    plain(position, text.length);
    return fragment;
  }

  function renderPreviews(channels) {
    previews.replaceChildren();
    if (!channels.length) {
      previews.appendChild(el("p", "text-body-secondary small", strings.noChannels));
      return;
    }
    var media = Array.prototype.slice.call(form.querySelectorAll("[data-media-item]"));
    channels.forEach(function (channel) {
      var card = el("article", "card mb-3 preview-card preview-" + channel.network);
      var header = el("div", "card-header py-1 small d-flex justify-content-between");
      header.appendChild(el("span", "fw-semibold", channel.name));
      header.appendChild(el("span", "text-body-secondary", channel.source === "body" ? strings.mainText : strings.variant));
      card.appendChild(header);
      var content = el("div", "card-body preview-text");
      var server = serverCounts[channel.id];
      var overflow = server && server.text === channel.text ? server.overflow : null;
      content.appendChild(linkified(channel.text, overflow));
      card.appendChild(content);
      var images = el("div", "d-flex gap-2 px-3 pb-3 flex-wrap");
      media.forEach(function (item) {
        var removed = item.querySelector("input[type=checkbox]");
        if (item.dataset.thumb && !(removed && removed.checked)) {
          var img = el("img", "media-thumb-sm rounded");
          img.src = item.dataset.thumb;
          img.alt = item.dataset.alt || "";
          images.appendChild(img);
        }
      });
      if (images.childNodes.length) {
        card.appendChild(images);
      }
      previews.appendChild(card);
    });
  }

  /* One entry per distinct text: channels sharing the main text share its findings. */
  function lintSources(channels) {
    var sources = {};
    if (!channels.length) {
      sources.body = { field: body, text: body.value, label: strings.mainText, networks: [null] };
    }
    channels.forEach(function (channel) {
      var source = sources[channel.source];
      if (!source) {
        source = sources[channel.source] = {
          field: channel.field,
          text: channel.text,
          label: channel.source === "body" ? strings.mainText : channel.name,
          networks: [],
        };
      }
      if (source.networks.indexOf(channel.network) === -1) {
        source.networks.push(channel.network);
      }
    });
    return sources;
  }

  function underlined(text, findings) {
    var spans = findings.filter(function (f) { return f.start16 !== null && f.end16 !== null; })
      .sort(function (a, b) { return a.start16 - b.start16; });
    var fragment = document.createDocumentFragment();
    var position = 0;
    spans.forEach(function (finding) {
      if (finding.start16 < position) {
        return;
      }
      fragment.appendChild(document.createTextNode(text.slice(position, finding.start16)));
      var mark = el("mark", "lint-mark lint-" + finding.level, text.slice(finding.start16, finding.end16));
      mark.title = finding.message;
      fragment.appendChild(mark);
      position = finding.end16;
    });
    fragment.appendChild(document.createTextNode(text.slice(position)));
    return fragment;
  }

  function applyFix(source, finding) {
    var field = source.field;
    if (field.value !== source.text) {
      return;
    }
    field.value = field.value.slice(0, finding.start16) + finding.fix + field.value.slice(finding.end16);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }

  function renderLint(sources, results) {
    lintBox.replaceChildren();
    Object.keys(sources).forEach(function (key) {
      var source = sources[key];
      var findings = [];
      var seen = {};
      source.networks.forEach(function (network) {
        var result = results[key + "|" + (network || "")];
        (result ? result.findings : []).forEach(function (finding) {
          var id = [finding.rule_index, finding.start, finding.end, finding.message].join("|");
          if (!seen[id]) {
            seen[id] = true;
            findings.push(finding);
          }
        });
      });
      var section = el("div", "mb-3");
      section.appendChild(el("h3", "h6 mb-1", source.label));
      if (!findings.length) {
        section.appendChild(el("p", "small text-success mb-0 lint-clean", strings.noFindings));
        lintBox.appendChild(section);
        return;
      }
      var text = el("div", "lint-text border rounded p-2 mb-2 small");
      text.appendChild(underlined(source.text, findings));
      section.appendChild(text);
      var list = el("ul", "list-unstyled small mb-0 lint-findings");
      findings.forEach(function (finding) {
        var item = el("li", "mb-1");
        item.appendChild(el("span", "badge me-1 lint-badge-" + finding.level, strings.levels[finding.level] || finding.level));
        item.appendChild(document.createTextNode(finding.message));
        if (finding.start16 !== null && finding.end16 !== null) {
          item.appendChild(el("q", "ms-1 text-body-secondary", source.text.slice(finding.start16, finding.end16)));
        }
        if (finding.fix) {
          var button = el("button", "btn btn-link btn-sm p-0 ms-2 align-baseline lint-fix", strings.fix.replace("%(text)s", finding.fix));
          button.type = "button";
          button.addEventListener("click", function () { applyFix(source, finding); });
          item.appendChild(button);
        }
        list.appendChild(item);
      });
      section.appendChild(list);
      lintBox.appendChild(section);
    });
  }

  function lint() {
    var channels = selectedChannels();
    var sources = lintSources(channels);
    var items = [];
    Object.keys(sources).forEach(function (key) {
      sources[key].networks.forEach(function (network) {
        items.push({ key: key + "|" + (network || ""), text: sources[key].text, network: network });
      });
    });
    var media = Array.prototype.slice.call(form.querySelectorAll("[data-media-item]")).map(function (item) {
      return { alt_text: item.dataset.alt || "" };
    });
    var seq = ++lintSeq;
    lintBox.setAttribute("aria-busy", "true");
    fetch(form.dataset.lintUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ items: items, media: media }),
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (seq !== lintSeq) {
          return;
        }
        channels.forEach(function (channel) {
          var result = data.items[channel.source + "|" + channel.network];
          if (result) {
            serverCounts[channel.id] = { text: channel.text, length: result.length, overflow: result.overflow_start16 };
          }
        });
        renderLint(sources, data.items);
        renderCounters(channels);
        renderPreviews(channels);
      })
      .catch(function () {
        if (seq === lintSeq) {
          lintBox.replaceChildren(el("p", "small text-body-secondary", strings.lintFailed));
        }
      })
      .finally(function () {
        if (seq === lintSeq) {
          lintBox.removeAttribute("aria-busy");
        }
      });
  }

  function refresh() {
    var channels = selectedChannels();
    toggleVariants();
    renderCounters(channels);
    renderPreviews(channels);
    window.clearTimeout(lintTimer);
    lintTimer = window.setTimeout(lint, 350);
  }

  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
