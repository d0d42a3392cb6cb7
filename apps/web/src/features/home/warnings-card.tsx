// System warnings on the home page, from the health check the Status page shows (polled).
import { Link } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { useHealth } from '../system/use-health.ts';
import { systemWarnings } from './home-model.ts';

export function SystemWarnings() {
  const health = useHealth();
  const warnings = systemWarnings(health.data, health.isError);
  if (health.isPending) return null;
  if (warnings.length === 0)
    return (
      <p className="text-sm text-slate-600" data-testid="home-system-ok">
        All systems are working.{' '}
        <Link to="/status" className="font-medium text-indigo-700 hover:text-indigo-900">
          See the status page
        </Link>
      </p>
    );
  return (
    <div className="space-y-3" data-testid="home-warnings">
      {warnings.map((warning) => (
        <Alert key={warning.id} tone="warning" title={warning.title} testId={`home-warning-${warning.id}`}>
          {warning.detail}{' '}
          <Link to="/status" className="font-medium underline underline-offset-2">
            Status
          </Link>
        </Alert>
      ))}
    </div>
  );
}
