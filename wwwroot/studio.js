// Keyboard shortcuts of the Create page (A1111's: Ctrl+Enter generates, Esc interrupts), the theme choice and clipboard copy.
window.studio = {
  registerShortcuts(page) {
    const onKey = (e) => {
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
    }
  },
  copy(text) {
    return navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve();
  }
};
