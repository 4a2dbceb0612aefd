// Which screen is shown. A desktop app has no address bar, so a small state object replaces a
// URL router; screens navigate by calling `go`.

export type Screen =
  | { name: 'home' }
  | { name: 'clinic' }
  | { name: 'sites' }
  | { name: 'vendors' }
  | { name: 'devices'; notice?: string }
  | { name: 'device-new' }
  | { name: 'device-edit'; id: string }
  | { name: 'device-detail'; id: string }
  | { name: 'import' }
  | { name: 'export' }
  | { name: 'assessments' }
  | { name: 'assessment'; id: string }
  | { name: 'intelligence' }
  | { name: 'packet' }
  | { name: 'risks' }
  | { name: 'risk'; key: string }
  | { name: 'device-risk'; id: string }
  | { name: 'lifecycle' };

export type NavSection = 'home' | 'clinic' | 'sites' | 'vendors' | 'devices' | 'import' | 'export' | 'assessments' | 'intelligence' | 'risks' | 'packet' | 'lifecycle';

export const router = $state<{ screen: Screen }>({ screen: { name: 'home' } });

export function go(screen: Screen): void {
  router.screen = screen;
}

/** The navigation entry a screen belongs to, for highlighting. */
export function sectionOf(screen: Screen): NavSection {
  switch (screen.name) {
    case 'device-new':
    case 'device-edit':
    case 'device-detail':
    case 'device-risk':
      return 'devices';
    case 'risk':
      return 'risks';
    case 'assessment':
      return 'assessments';
    default:
      return screen.name;
  }
}

/** Where a checklist step's key leads, when that part of the app exists. */
export function screenForStep(key: string): Screen | null {
  switch (key) {
    case 'clinic':
    case 'clinic_profile':
      return { name: 'clinic' };
    case 'sites':
    case 'zones':
    case 'sites_zones':
    case 'sites_and_zones':
      return { name: 'sites' };
    case 'vendors':
      return { name: 'vendors' };
    case 'devices':
    case 'inventory':
      return { name: 'devices' };
    case 'questionnaires':
      return { name: 'assessments' };
    case 'risks':
      return { name: 'risks' };
    case 'audit_packet':
      return { name: 'packet' };
    case 'lifecycle':
      return { name: 'lifecycle' };
    default:
      return null;
  }
}
