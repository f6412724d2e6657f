package io.tripwire.executor.handler;

import io.tripwire.executor.config.ExecutorConfig;
import io.tripwire.executor.config.HandlerSpec;
import io.tripwire.schemas.ActionType;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** The handler of each configured action type, built once at startup. */
public final class Handlers {

    private final Map<ActionType, ActionHandler> byType;

    public Handlers(Map<ActionType, ActionHandler> byType) {
        this.byType = Collections.unmodifiableMap(byType.isEmpty() ? Map.of() : new EnumMap<>(byType));
    }

    /** Builds the handlers a config names; commands run in the config directory. */
    public static Handlers from(ExecutorConfig config, RandomGenerator random) {
        Map<ActionType, ActionHandler> out = new EnumMap<>(ActionType.class);
        config.handlers().forEach((type, spec) -> out.put(type, create(spec, config, random)));
        return new Handlers(out);
    }

    private static ActionHandler create(HandlerSpec spec, ExecutorConfig config, RandomGenerator random) {
        if (spec instanceof HandlerSpec.Command c) {
            return new CommandHandler(c, config.baseDir(), random);
        }
        if (spec instanceof HandlerSpec.Http h) {
            return new HttpHandler(h, random);
        }
        return new LogHandler();
    }

    /** The handler of a type, if configured. */
    public Optional<ActionHandler> forType(ActionType type) {
        return Optional.ofNullable(byType.get(type));
    }
}
