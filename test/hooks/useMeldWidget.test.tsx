import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useMeldWidget } from '../../src/index.js';

const WIDGET_URL = 'https://connect.meld.io/?connectToken=t1';

function ReconnectButton({ onClose }: { onClose: () => void }) {
  const widget = useMeldWidget({ onClose });
  return (
    <button type="button" onClick={() => widget.open(WIDGET_URL)}>
      {widget.isOpen ? 'Open' : 'Reconnect'}
    </button>
  );
}

afterEach(() => {
  document.body.removeAttribute('style');
});

describe('useMeldWidget in jsdom (no showModal/close on <dialog>)', () => {
  it('given the widget is open, when the component unmounts, should not throw and leave nothing behind', () => {
    const onClose = vi.fn();
    const view = render(<ReconnectButton onClose={onClose} />);
    screen.getByRole('button', { name: 'Reconnect' }).click();
    expect(document.querySelector('dialog[open]')).not.toBeNull();

    expect(() => view.unmount()).not.toThrow();

    expect(document.querySelector('dialog')).toBeNull();
    expect(document.body.style.overflow).toBe('');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledWith('closed-by-host');
  });
});
