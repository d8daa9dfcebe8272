// retold report: link each passage to its counterpart(s) on the other side. No framework, no network.
// Every passage element carries data-pid (the passage id) and data-side ("source" or "derived");
// added/dropped passages have a small gap marker on the side that lacks them, so hover works both ways.
(function () {
  "use strict";
  var panes = {
    source: document.getElementById("pane-source"),
    derived: document.getElementById("pane-derived")
  };
  var pinned = null;

  function parts(pid) {
    return document.querySelectorAll('.p[data-pid="' + pid + '"]');
  }

  function mark(pid, cls, on) {
    var els = parts(pid);
    for (var i = 0; i < els.length; i++) els[i].classList.toggle(cls, on);
  }

  function scrollPaneTo(side, pid) {
    var pane = panes[side];
    var target = pane && pane.querySelector('.p[data-pid="' + pid + '"]');
    if (!target) return;
    // The pane itself may be outside the window (below a long facts list, or stacked on a narrow
    // screen): bring it in first.
    var box = pane.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      pane.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    var offset = target.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    // Land the passage a third of the way down, so the text before it gives context.
    pane.scrollTo({ top: Math.max(0, pane.scrollTop + offset - pane.clientHeight / 3), behavior: "smooth" });
  }

  function pin(pid) {
    if (pinned !== null) mark(pinned, "pinned", false);
    pinned = pid;
    mark(pid, "pinned", true);
  }

  function passageOf(event) {
    var el = event.target.closest ? event.target.closest(".p[data-pid]") : null;
    return el;
  }

  // Hovering a passage, or focusing it from the keyboard, shows its counterpart; leaving it hides it.
  [["mouseover", true], ["mouseout", false], ["focusin", true], ["focusout", false]].forEach(function (pair) {
    document.addEventListener(pair[0], function (event) {
      var el = passageOf(event);
      if (el) mark(el.dataset.pid, "hl", pair[1]);
    });
  });
  // Enter or Space on a focused passage acts as a click.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var el = passageOf(event);
    if (!el) return;
    event.preventDefault();
    el.click();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-goto]") : null;
    if (button) {
      var goto = button.dataset.goto;
      pin(goto);
      scrollPaneTo("source", goto);
      scrollPaneTo("derived", goto);
      return;
    }
    var el = passageOf(event);
    if (!el) return;
    pin(el.dataset.pid);
    scrollPaneTo(el.dataset.side === "source" ? "derived" : "source", el.dataset.pid);
  });
})();
