/**
 * The design system: tokens (`@payments/ui/styles.css`, light and dark) and accessible components, plus the
 * React side of the platform (context, session and preference hooks, forms, the standalone dev host).
 * Shared as one singleton by the shell and every remote.
 */

export {
  axisTicks,
  BarChart,
  type BarChartProps,
  type BarRow,
  type BarSeries,
} from "./components/BarChart.tsx";
export { Button, type ButtonProps } from "./components/Button.tsx";
export { ConfirmButton, type ConfirmButtonProps } from "./components/ConfirmButton.tsx";
export { cx } from "./components/cx.ts";
export {
  Alert,
  type AlertProps,
  Badge,
  ChartPlaceholder,
  EmptyState,
  Spinner,
  type Tone,
  VisuallyHidden,
} from "./components/Feedback.tsx";
export {
  SelectField,
  type SelectFieldProps,
  TextAreaField,
  type TextAreaFieldProps,
  TextField,
  type TextFieldProps,
} from "./components/Field.tsx";
export {
  Card,
  Cluster,
  Grid,
  PageHeader,
  ScrollFrame,
  Stack,
  Stat,
  Table,
} from "./components/Layout.tsx";
export {
  type Formatters,
  RemoteRoot,
  useFormatters,
  usePlatform,
  usePreferences,
  useRealtimeRoom,
  useRealtimeStatus,
  useSession,
} from "./platform/context.tsx";
export {
  currencyLabel,
  preselectedCurrency,
  publicConfigKey,
  type SupportedCurrencies,
  useSupportedCurrencies,
} from "./platform/currencies.ts";
export {
  ErrorNotice,
  type LazyZodForm,
  useFormSchemas,
  useLazyZodForm,
  useLazyZodFormOf,
  useZodForm,
  type ZodForm,
} from "./platform/forms.tsx";
export { dateTimeFormat, numberFormat } from "./platform/intl.ts";
export { StandaloneApp, type StandaloneAppProps } from "./platform/standalone.tsx";
