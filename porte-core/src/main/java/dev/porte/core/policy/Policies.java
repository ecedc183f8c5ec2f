package dev.porte.core.policy;

import dev.porte.core.lint.Linter;
import dev.porte.core.lint.SensitivePort;
import dev.porte.core.model.PortSpec;
import dev.porte.core.registry.CatalogueService;
import dev.porte.core.registry.ServiceCatalogue;
import dev.porte.core.registry.ServiceNames;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard wiring: a parser that resolves service names through porte's catalogue and the
 * IANA registry, and a linter that knows which catalogue services must not face the internet.
 */
public final class Policies {
  private Policies() {}

  public static PolicyParser parser() {
    return new PolicyParser(services());
  }

  public static ServiceResolver services() {
    ServiceNames names = ServiceNames.standard();
    return name -> names.resolve(name).ports();
  }

  public static Linter linter() {
    List<SensitivePort> sensitive = new ArrayList<>();
    for (CatalogueService service : ServiceCatalogue.load().all()) {
      String what;
      switch (service.kind()) {
        case ADMIN:
          what = "remote administration";
          break;
        case DATABASE:
          what = "database";
          break;
        default:
          continue;
      }
      for (PortSpec spec : service.ports()) {
        for (int port = spec.range().lo(); port <= spec.range().hi(); port++) {
          sensitive.add(new SensitivePort(service.name(), spec.protocol(), port, what));
        }
      }
    }
    return new Linter(sensitive);
  }
}
