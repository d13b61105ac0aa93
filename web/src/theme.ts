import { type CSSVariablesResolver, createTheme } from '@mantine/core';

/** System fonts: nothing is fetched from elsewhere (the CSP allows only this server). */
export const theme = createTheme({
  primaryColor: 'indigo',
  // Indigo 7 on white passes WCAG AA for text on buttons and links; the default shade 6 does not.
  primaryShade: 7,
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  defaultRadius: 'sm',
});

/**
 * "Dimmed" text one shade darker than Mantine's: its gray 6 on light backgrounds is below WCAG AA's
 * 4.5:1; so is its red 6 for a field's error message, hence red 8.
 */
export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-error': 'var(--mantine-color-red-8)' },
  dark: {},
});
