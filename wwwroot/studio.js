// Keyboard shortcuts of the Create page (A1111's: Ctrl+Enter generates, Esc interrupts) and clipboard copy.
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
  copy(text) {
    return navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve();
  }
};
