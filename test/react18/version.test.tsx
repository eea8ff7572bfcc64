import { useQuery } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { version as reactVersion } from 'react';
import { version as reactDomVersion } from 'react-dom';
import { describe, expect, it } from 'vitest';
import { ReconnectKitProvider } from '../../src/index.js';

// Guards the react18 project itself: if the aliases stopped applying, the
// other files would quietly test React 19 again.
describe('the react18 project', () => {
  it('should run React 18, for the kit and for the libraries it renders through', async () => {
    expect(reactVersion).toMatch(/^18\./);
    expect(reactDomVersion).toMatch(/^18\./);
    function Probe() {
      // TanStack Query's hooks would throw "Invalid hook call" under a second copy of React.
      const { data } = useQuery({ queryKey: ['probe'], queryFn: () => 'one React' });
      return <p>{data ?? '...'}</p>;
    }
    render(
      <ReconnectKitProvider baseUrl="http://host.test/api/meld" broadcastChannel={false}>
        <Probe />
      </ReconnectKitProvider>,
    );
    expect(await screen.findByText('one React')).toBeTruthy();
  });
});
