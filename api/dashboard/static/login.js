// Sign-in: the login API checks the password and sets the session cookie; then go on.
"use strict";

(function () {
  const form = document.getElementById("login-form");
  const message = document.getElementById("login-message");
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const body = { username: form.username.value.trim(), password: form.password.value };
    const res = await window.tt.send("POST", "/api/v1/auth/login", body);
    if (res.ok) {
      window.location.assign(form.dataset.after || "/");
    } else {
      window.tt.say(message, window.tt.problemText(res.data, res.status), true);
      form.password.focus();
    }
  });
})();
