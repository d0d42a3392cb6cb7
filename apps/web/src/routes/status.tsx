import { PageHeader } from '../components/page-header.tsx';
import { StatusPanel } from '../features/system/status-panel.tsx';
import { useDocumentTitle } from '../lib/use-document-title.ts';

export function StatusPage() {
  useDocumentTitle('Status');
  return (
    <div className="space-y-6">
      <PageHeader
        title="System status"
        description="Live health of the API, its dependencies and the background worker, refreshed every 3 seconds."
      />
      <StatusPanel />
    </div>
  );
}
