// Passkey buttons of the sign-up and sign-in forms (Components/Account): a submit button with data-passkey="create"
// or "request" asks the server for WebAuthn options, lets the browser's authenticator answer through
// navigator.credentials, and posts the answer's JSON with the form in its hidden data-passkey-credential field.
(() => {
    const supported = typeof window.PublicKeyCredential === 'function'
        && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
        && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

    async function optionsFor(operation, form) {
        const email = form.elements['Input.Email']?.value ?? '';
        const url = operation === 'create'
            ? `/account/passkey/creation-options?email=${encodeURIComponent(email)}`
            : '/account/passkey/request-options';
        const response = await fetch(url, { method: 'POST', credentials: 'same-origin' });
        if (!response.ok) {
            const problem = await response.json().catch(() => null);
            throw new Error(problem?.detail ?? `The server answered ${response.status}.`);
        }
        return await response.json();
    }

    async function credentialFor(operation, form) {
        const options = await optionsFor(operation, form);
        return operation === 'create'
            ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
            : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    }

    function showError(form, message) {
        const box = form.querySelector('[data-passkey-error]');
        const text = box?.querySelector('.mud-alert-message') ?? box;
        if (!box) {
            return;
        }
        text.textContent = message;
        box.classList.remove('d-none');
        box.setAttribute('role', 'alert');
    }

    document.addEventListener('submit', async event => {
        const operation = event.submitter?.dataset.passkey;
        const form = event.target;
        if (!operation || !(form instanceof HTMLFormElement)) {
            return;
        }
        event.preventDefault();
        if (!supported) {
            showError(form, 'This browser cannot use passkeys. Use a password, or a newer browser.');
            return;
        }
        if (operation === 'create' && !form.elements['Input.Email']?.value) {
            showError(form, 'Type the email of the new account first.');
            return;
        }
        try {
            const credential = await credentialFor(operation, form);
            form.querySelector('[data-passkey-credential]').value = JSON.stringify(credential);
            form.submit();
        } catch (error) {
            showError(form, error.name === 'NotAllowedError'
                ? 'The passkey was cancelled or is not available on this device.'
                : `The passkey did not work: ${error.message}`);
        }
    }, true);
})();
