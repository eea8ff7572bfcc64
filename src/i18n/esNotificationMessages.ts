import type { notificationMessages } from './notificationMessages.js';

/**
 * Spanish notification templates, for `planReconnectNotifications` (locale
 * `es…`). Kept apart from the browser's `es` catalog: the host backend sends
 * them, no component shows them.
 */
export const esNotificationMessages: Readonly<Record<keyof typeof notificationMessages, string>> = {
  'notify.reconnect.subject': 'Vuelve a conectar {institution} para mantener tus cuentas al día',
  'notify.reconnect.text': 'Tu conexión con {institution} dejó de actualizarse. Inicia sesión de nuevo para solucionarlo: {link}',
  'notify.expiring-soon.subject': 'Tu acceso a {institution} caduca pronto',
  'notify.expiring-soon.text': 'Tu acceso a {institution} caducará pronto. Vuelve a conectarlo ahora para que siga actualizándose: {link}',
  'notify.expiring-soon-date.text': 'Tu acceso a {institution} caducará pronto. Renuévalo antes del {date} para que siga actualizándose: {link}',
  'notify.renewal-due.subject': 'Renueva tu acceso a {institution} antes del {date}',
  'notify.renewal-due.text': 'Tu acceso a {institution} debe renovarse antes del {date}. Abre la aplicación para revisarlo: {link}',
  'notify.institution-action.subject': '{institution} necesita que hagas algo',
  'notify.institution-action.text': '{institution} necesita que hagas algo en tu cuenta bancaria antes de poder actualizarse. Mira qué hacer: {link}',
  'notify.start-new-connection.subject': 'Conecta {institution} de nuevo',
  'notify.start-new-connection.text': 'No se puede restablecer tu conexión con {institution}. Conéctalo de nuevo para mantener tus cuentas al día: {link}',
  'notify.choose-another-institution.subject': '{institution} ya no es compatible',
  'notify.choose-another-institution.text': '{institution} ya no es compatible. Conecta otro banco: {link}',
};
