/* The item form: the participant list matters only when the item is not for the whole group. */
(function () {
  "use strict";

  const wholeGroup = document.getElementById("id_whole_group");
  const participants = document.getElementById("div_id_participants");
  if (!wholeGroup || !participants) {
    return;
  }
  function sync() {
    participants.hidden = wholeGroup.checked;
  }
  wholeGroup.addEventListener("change", sync);
  sync();
})();
