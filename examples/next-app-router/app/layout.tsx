import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import 'meld-reconnect-kit/styles.css';
import { Providers } from '@/components/Providers';
import { widgetHosts } from '@/lib/meld';
import './globals.css';

export const metadata: Metadata = { title: 'Pebble: your banks' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers widgetHosts={widgetHosts()}>{children}</Providers>
      </body>
    </html>
  );
}
