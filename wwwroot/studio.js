// Keyboard shortcuts of the Create page (A1111's: Ctrl+Enter generates, Esc interrupts), the theme choice and clipboard copy.
window.studio = {
  registerShortcuts(page) {
    const onKey = (e) => {
      // The image viewer has its own keys (Esc closes it, not the running job).
      if (e.target && e.target.closest && e.target.closest('[data-lightbox]')) {
        return;
      }
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        // Let a text field's pending value reach the server before generating.
        if (document.activeElement && document.activeElement.dispatchEvent) {
          document.activeElement.dispatchEvent(new Event('change', { bubbles: true }));
        }
        page.invokeMethodAsync('OnGenerateShortcut');
      } else if (e.key === 'Escape') {
        page.invokeMethodAsync('OnCancelShortcut');
      }
    };
    document.addEventListener('keydown', onKey);
    return { dispose: () => document.removeEventListener('keydown', onKey) };
  },
  // The light/dark choice lives in a cookie (ThemeChoice.cs reads it server-side); without one, the system's.
  theme: {
    isDark() {
      const saved = document.cookie.match(/(?:^|;\s*)studio-theme=(dark|light)/);
      return saved ? saved[1] === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
    },
    save(dark) {
      document.cookie = `studio-theme=${dark ? 'dark' : 'light'}; path=/; max-age=31536000; samesite=lax`;
    },
    // Static pages (share links, 404) run no circuit: the server picks their theme from cookies only. Tell it the
    // system's preference, and reload once if the page was rendered in the other theme.
    followSystem() {
      if (/(?:^|;\s*)studio-theme=/.test(document.cookie)) {
        return;
      }
      const system = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
      document.cookie = `studio-system-theme=${system}; path=/; max-age=31536000; samesite=lax`;
      const state = document.getElementById('studio-state');
      const stored = new RegExp(`(?:^|;\\s*)studio-system-theme=${system}`).test(document.cookie);
      if (state && state.dataset.static === 'true' && state.dataset.dark !== String(system === 'dark') && stored
          && sessionStorage.getItem('studio-theme-reloaded') !== system) {
        sessionStorage.setItem('studio-theme-reloaded', system);
        location.reload();
      }
    }
  },
  copy(text) {
    return navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve();
  }
};

window.studio.theme.followSystem();

// The reconnect box (ReconnectBox.razor): Blazor sets its classes while it reconnects. A server that restarted no longer
// knows this page's circuit ("rejected"): reload, and the form comes back from this browser's storage.
(() => {
  const box = document.getElementById('components-reconnect-modal');
  if (!box) {
    return;
  }
  box.addEventListener('components-reconnect-state-changed', (e) => {
    if (e.detail && e.detail.state === 'rejected') {
      location.reload();
    }
  });
  const reload = document.getElementById('studio-reconnect-reload');
  if (reload) {
    reload.addEventListener('click', () => location.reload());
  }
})();
