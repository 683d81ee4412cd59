// The inpainting mask brush of the Create page. The canvas is the mask itself, at the init image's pixel size: white
// where the brush painted (repainted), transparent elsewhere; it is shown half-transparent over the image, and exported
// as a black-and-white PNG for the server.
window.studioMask = {
  attach(canvas, page, width, height) {
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    let size = 8;
    let erasing = false;
    let last = null;

    const point = (e) => {
      const box = canvas.getBoundingClientRect();
      return { x: (e.clientX - box.left) * canvas.width / box.width, y: (e.clientY - box.top) * canvas.height / box.height };
    };
    const stroke = (from, to) => {
      context.globalCompositeOperation = erasing ? 'destination-out' : 'source-over';
      context.strokeStyle = '#fff';
      context.fillStyle = '#fff';
      context.lineWidth = size;
      context.lineCap = 'round';
      context.lineJoin = 'round';
      context.beginPath();
      context.moveTo(from.x, from.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    };
    const changed = () => page.invokeMethodAsync('OnMaskPainted');

    const down = (e) => {
      canvas.setPointerCapture(e.pointerId);
      last = point(e);
      stroke(last, last);
      e.preventDefault();
    };
    const move = (e) => {
      if (last) {
        const next = point(e);
        stroke(last, next);
        last = next;
      }
    };
    const up = () => {
      if (last) {
        last = null;
        changed();
      }
    };
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);

    return {
      setBrush(value) { size = value; },
      setEraser(value) { erasing = value; },
      clear() {
        context.clearRect(0, 0, canvas.width, canvas.height);
      },
      invert() {
        const painted = document.createElement('canvas');
        painted.width = canvas.width;
        painted.height = canvas.height;
        painted.getContext('2d').drawImage(canvas, 0, 0);
        context.globalCompositeOperation = 'source-over';
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.fillStyle = '#fff';
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.globalCompositeOperation = 'destination-out';
        context.drawImage(painted, 0, 0);
        context.globalCompositeOperation = 'source-over';
      },
      // An uploaded mask (a data: URL) becomes the painting: its light pixels painted, its dark ones not.
      async load(url) {
        const image = new Image();
        await new Promise((resolve, reject) => { image.onload = resolve; image.onerror = reject; image.src = url; });
        context.globalCompositeOperation = 'source-over';
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
        const d = pixels.data;
        for (let i = 0; i < d.length; i += 4) {
          const light = (d[i] * 299 + d[i + 1] * 587 + d[i + 2] * 114) / 1000 * d[i + 3] / 255;
          d[i] = d[i + 1] = d[i + 2] = 255;
          d[i + 3] = light;
        }
        context.putImageData(pixels, 0, 0);
      },
      // White over black, opaque: the mask as A1111's API and the studio read it.
      async exportPng() {
        const flat = document.createElement('canvas');
        flat.width = canvas.width;
        flat.height = canvas.height;
        const flatContext = flat.getContext('2d');
        flatContext.fillStyle = '#000';
        flatContext.fillRect(0, 0, flat.width, flat.height);
        flatContext.drawImage(canvas, 0, 0);
        const blob = await new Promise((resolve) => flat.toBlob(resolve, 'image/png'));
        return new Uint8Array(await blob.arrayBuffer());
      },
      dispose() {
        canvas.removeEventListener('pointerdown', down);
        canvas.removeEventListener('pointermove', move);
        canvas.removeEventListener('pointerup', up);
        canvas.removeEventListener('pointercancel', up);
      }
    };
  }
};
