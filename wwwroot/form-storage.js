// Forms kept in this browser's localStorage (FormStorage.cs): the unsent prompt and settings survive a reload, a server
// restart and a dropped connection. Storage that is full or switched off keeps nothing, quietly.
window.studioStorage = {
  load(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  save(key, json) {
    this.saveText(key, json);
  },
  saveText(key, text) {
    try {
      localStorage.setItem(key, text);
    } catch {
      // Nothing to do: the form still works, it is just not kept.
    }
  }
};
