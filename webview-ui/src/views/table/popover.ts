/**
 * A small floating panel of the table (its row context menu, the column chooser, a categorical value
 * pick): placed at a point inside the table, clamped to it, closed by Escape, a click outside or a scroll.
 * Menu items are buttons navigated with the arrow keys, as in VS Code's own menus.
 */
export class Popover {
  readonly element = document.createElement('div');
  #onClose: (() => void) | null = null;

  constructor(
    private readonly container: HTMLElement,
    className: string,
  ) {
    this.element.className = `table-popover ${className}`;
    this.element.hidden = true;
    container.append(this.element);
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.close();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.#moveFocus(e.key === 'ArrowDown' ? 1 : -1);
      }
    });
    document.addEventListener(
      'mousedown',
      (e) => {
        if (!this.element.hidden && !this.element.contains(e.target as Node)) this.close();
      },
      true,
    );
    window.addEventListener('blur', () => this.close());
  }

  /** Shows `content` at client coordinates (x, y); `onClose` runs once when it closes. */
  show(content: readonly Node[], x: number, y: number, onClose?: () => void): void {
    this.close();
    this.element.replaceChildren(...content);
    this.element.hidden = false;
    this.#onClose = onClose ?? null;
    const box = this.container.getBoundingClientRect();
    const w = this.element.offsetWidth;
    const h = this.element.offsetHeight;
    const left = Math.max(0, Math.min(x - box.left, box.width - w - 2));
    const top = Math.max(0, y - box.top + h > box.height ? y - box.top - h : y - box.top);
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
    this.#focusables()[0]?.focus();
  }

  close(): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    this.element.replaceChildren();
    const done = this.#onClose;
    this.#onClose = null;
    done?.();
  }

  #focusables(): HTMLElement[] {
    return [...this.element.querySelectorAll<HTMLElement>('button:not([disabled]), input')];
  }

  #moveFocus(by: 1 | -1): void {
    const items = this.#focusables();
    if (items.length === 0) return;
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + by + items.length) % items.length]!.focus();
  }
}

/** A menu item: codicon + label; runs `run` and closes the menu. */
export function menuItem(icon: string, label: string, run: () => void, action?: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'menu-item';
  b.setAttribute('role', 'menuitem');
  if (action) b.dataset.action = action;
  const i = document.createElement('i');
  i.className = `codicon codicon-${icon}`;
  i.setAttribute('aria-hidden', 'true');
  const text = document.createElement('span');
  text.textContent = label;
  b.append(i, text);
  b.addEventListener('click', run);
  return b;
}

/** A checkbox line (label + native checkbox, styled with the theme's checkbox colours). */
export function checkItem(label: string, checked: boolean, onChange: (checked: boolean) => void, key?: string): HTMLLabelElement {
  const line = document.createElement('label');
  line.className = 'check-item';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = checked;
  if (key) box.dataset.key = key;
  box.addEventListener('change', () => onChange(box.checked));
  const text = document.createElement('span');
  text.textContent = label;
  line.append(box, text);
  return line;
}
