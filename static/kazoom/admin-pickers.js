// Names the admin's search-as-you-type pickers for screen readers: select2 draws each as a
// "textbox" that nothing names while it is empty. Each takes its field's label.
django.jQuery(function () {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = document.getElementById(`select2-${select.id}-container`);
    if (label && box) box.setAttribute("aria-label", label.textContent.replace(/:\s*$/, ""));
  }
});
