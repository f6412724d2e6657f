package io.tripwire.executor.handler;

import io.tripwire.schemas.TripwireAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records the action in the executor's log and nothing else: for ALERT, AUDIT_EVENT, RESOLVED and the like. */
public final class LogHandler implements ActionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LogHandler.class);

    @Override
    public String kind() {
        return "log";
    }

    @Override
    public boolean sideEffecting() {
        return false;
    }

    @Override
    public String describe(TripwireAction a) {
        return "would log " + a.getAction() + " for tenant " + a.getTenant();
    }

    @Override
    public HandlerResult run(TripwireAction a) {
        LOG.info("ACTION {} actionId={} tenant={} tripwire={} scope={} params={} reason=\"{}\" evidenceId={}",
                a.getAction(), a.getActionId(), a.getTenant(), a.getTripwire(), a.getScope(), a.getParams(),
                a.getReason(), a.getEvidenceId());
        return new HandlerResult(true, 1, 0, "logged", null, null);
    }
}
